import { execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnTied, stopChild, waitUntilReady } from './child-process.js';
import { LaunchError } from './launch-error.js';

const run = promisify(execFile);

/** Options of {@link PostgresProcess}. */
export interface PostgresProcessOptions {
  /** Folder holding the cluster (`<dir>/data`); created on first start. */
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  /** Superuser created by initdb on first start. */
  readonly superuser: string;
  /** Its password (only used by initdb on first start). */
  readonly superuserPassword: () => string;
  /**
   * Folder of `initdb` and `postgres` (`PG_BIN_DIR`).
   * @default the newest /usr/lib/postgresql/<version>/bin
   */
  readonly binDir?: string;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** Finds `initdb` and `postgres`: `PG_BIN_DIR`, else the newest /usr/lib/postgresql/<v>/bin. */
export function findPostgresBinaries(binDir?: string): string {
  if (binDir) {
    if (!existsSync(join(binDir, 'postgres'))) throw new LaunchError(`PG_BIN_DIR=${binDir} has no "postgres" binary: point PG_BIN_DIR at the folder holding initdb and postgres.`);
    return binDir;
  }
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a)) : [];
  if (versions.length === 0) {
    throw new LaunchError(
      'PostgreSQL server binaries (initdb, postgres) not found: install them (Debian/Ubuntu: apt-get install postgresql) or set PG_BIN_DIR, ' +
        'or run against your own database with KEYTURN_EMBEDDED=0 and the database settings in the secret.',
    );
  }
  return join(base, versions[0], 'bin');
}

/**
 * A private PostgreSQL server for the embedded default: initialised once with scram-sha-256
 * password authentication, started on each launch, stopped on shutdown. As root, it runs as
 * the `postgres` OS user (PostgreSQL refuses root); it is spawned with that uid directly, so signals reach the postmaster.
 */
export class PostgresProcess {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(private readonly options: PostgresProcessOptions) {}

  /** Whether the cluster was initialised by an earlier launch. */
  get initialised(): boolean {
    return existsSync(join(this.options.dir, 'data', 'PG_VERSION'));
  }

  async start(): Promise<void> {
    const bin = findPostgresBinaries(this.options.binDir);
    const data = join(this.options.dir, 'data');
    mkdirSync(this.options.dir, { recursive: true });
    chmodSync(this.options.dir, 0o700);
    const owner = isRoot() ? await this.postgresUser() : undefined;
    if (owner) chownSync(this.options.dir, owner.uid, owner.gid);
    if (!this.initialised) {
      const pwfile = join(this.options.dir, '.initdb-pw');
      writeFileSync(pwfile, this.options.superuserPassword() + '\n', { mode: 0o600 });
      if (owner) chownSync(pwfile, owner.uid, owner.gid);
      try {
        await run(join(bin, 'initdb'), ['-D', data, '-U', this.options.superuser, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8'], {
          timeout: 120_000,
          ...this.spawnAs(owner),
        });
      } catch (err) {
        throw new LaunchError(`initdb failed in ${data}: ${(err as { stderr?: string }).stderr ?? String(err)}. Delete ${this.options.dir} to start over.`);
      } finally {
        rmSync(pwfile, { force: true });
      }
    }
    const args = [
      '-D', data, '-p', String(this.options.port), '-h', this.options.host,
      '-c', 'unix_socket_directories=', '-c', 'max_connections=100', '-c', 'password_encryption=scram-sha-256',
    ];
    // Spawned directly as the postgres user (not through runuser/su), so stop() signals the postmaster itself.
    // Tied to this process: if it dies, even by SIGKILL, the postmaster gets SIGINT (fast shutdown).
    const child = spawnTied(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...this.spawnAs(owner) }, 'SIGINT');
    child.stderr?.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-4000)));
    this.child = child;
  }

  /** Resolves once `ready` says the server accepts logins, or fails with its log. */
  async waitUntilReady(ready: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    await waitUntilReady(this.child, ready, {
      name: 'PostgreSQL',
      port: this.options.port,
      notReady: 'did not accept connections',
      timeoutMs,
      intervalMs: 200,
      stderr: () => this.stderr,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child, 'SIGINT', 15_000); // fast shutdown: aborts sessions, checkpoints, exits
  }

  private spawnAs(owner: { uid: number; gid: number; home: string } | undefined) {
    return owner ? { uid: owner.uid, gid: owner.gid, cwd: this.options.dir, env: { ...process.env, HOME: owner.home, USER: 'postgres', LOGNAME: 'postgres' } } : {};
  }

  private async postgresUser(): Promise<{ uid: number; gid: number; home: string }> {
    try {
      const { stdout: uid } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      return { uid: Number(uid.trim()), gid: Number(gid.trim()), home: this.options.dir };
    } catch {
      throw new LaunchError('Running as root, PostgreSQL must run as the "postgres" OS user, which does not exist: create it (useradd -r postgres) or run as a normal user.');
    }
  }
}
