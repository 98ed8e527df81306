import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitFor } from './ports';
import { spawnServer } from './servers';

const run = promisify(execFile);

export interface PostgresServer {
  host: string;
  port: number;
  /** The server's process id. */
  pid: number;
  /** A superuser that logs in with a password (scram-sha-256). */
  superuser: string;
  superuserPassword: string;
  /** Connection settings for `pg` as the superuser, database `postgres`. */
  adminConfig(): { host: string; port: number; user: string; password: string; database: string };
  /** Runs SQL as the superuser (one short-lived connection). */
  sql(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  /** Whether `user` logs in with `password` and can run a query (a fresh connection, straight to the server). */
  canLogin(user: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

function pgBinDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) throw new Error('PostgreSQL server binaries not found: install the Debian package "postgresql" or set PG_BIN_DIR');
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('initdb not found under /usr/lib/postgresql/*/bin: install "postgresql" or set PG_BIN_DIR');
  return join(base, versions[0], 'bin');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: as root, its binaries run as the `postgres` OS user. */
async function pgOwner(): Promise<{ uid: number; gid: number } | undefined> {
  if (!isRoot()) return undefined;
  const { stdout } = await run('id', ['-u', 'postgres']);
  const { stdout: g } = await run('id', ['-g', 'postgres']);
  return { uid: Number(stdout.trim()), gid: Number(g.trim()) };
}

/**
 * Starts a private PostgreSQL cluster on a free port with password authentication
 * (scram-sha-256 for every TCP and socket connection; no trust), and a superuser `keyturn_admin`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = pgBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'keyturn-pg-'));
  const data = join(dir, 'data');
  const superuser = 'keyturn_admin';
  const superuserPassword = `admin-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, superuserPassword + '\n');
  chmodSync(dir, 0o700);
  const owner = await pgOwner();
  if (owner) {
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  try {
    await run(join(bin, 'initdb'), ['-D', data, '-U', superuser, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], { timeout: 120_000, ...owner });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  rmSync(pwfile);
  const port = await freePort();
  // The server is our direct child (not behind runuser, which ignores SIGINT), so stop() reaches it.
  const server = spawnServer(
    `PostgreSQL on port ${port}`,
    join(bin, 'postgres'),
    [
      '-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir,
      '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
      '-c', 'max_connections=200', '-c', 'shared_buffers=32MB', '-c', 'password_encryption=scram-sha-256',
    ],
    // SIGINT: fast shutdown (rolls back open transactions, closes connections).
    { stopSignal: 'SIGINT', ...owner, cleanup: () => rmSync(dir, { recursive: true, force: true }) },
  );
  const host = '127.0.0.1';
  const { Client } = require('pg') as typeof import('pg');
  const adminConfig = () => ({ host, port, user: superuser, password: superuserPassword, database: 'postgres' });
  const sql = async (text: string, params?: unknown[]) => {
    const c = new Client(adminConfig());
    await c.connect();
    try {
      return await c.query(text, params as unknown[]);
    } finally {
      await c.end();
    }
  };
  const canLogin = async (user: string, password: string) => {
    const c = new Client({ host, port, user, password, database: 'postgres', connectionTimeoutMillis: 5_000 });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  try {
    await waitFor(async () => {
      if (server.exited()) throw new Error(`postgres exited: ${server.stderr()}`);
      await sql('select 1');
      return true;
    }, `PostgreSQL on port ${port}`, 60_000, 200);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const stop = () => server.stop();
  return { host, port, pid: server.child.pid!, superuser, superuserPassword, adminConfig, sql, canLogin, stop };
}
