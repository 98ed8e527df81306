import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnTied, stopChild, waitUntilReady } from './child-process.js';
import { LaunchError } from './launch-error.js';

/** An ACL user written to the ACL file at start. */
export interface RedisAclUser {
  readonly username: string;
  readonly password: string;
}

/** Options of {@link RedisProcess}. */
export interface RedisProcessOptions {
  readonly dir: string;
  readonly host: string;
  readonly port: number;
  /** Every permission (used by the ACL rotation). */
  readonly admin: RedisAclUser;
  /** The API's user: keys and commands it needs, nothing administrative. */
  readonly app: RedisAclUser;
  /**
   * The redis-server binary (`REDIS_SERVER_BIN`).
   * @default 'redis-server' from PATH
   */
  readonly bin?: string;
}

/**
 * A private redis-server with ACLs for the embedded default: `default` is off; the admin and the
 * API user get the passwords from their secrets on every start (nothing is persisted).
 */
export class RedisProcess {
  private child: ChildProcess | undefined;
  private stderr = '';

  constructor(private readonly options: RedisProcessOptions) {}

  async start(): Promise<void> {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    const aclFile = join(this.options.dir, 'users.acl');
    const { admin, app } = this.options;
    writeFileSync(
      aclFile,
      `user default off\nuser ${admin.username} on >${admin.password} ~* &* +@all\nuser ${app.username} on >${app.password} ~* &* +@all -@admin -@dangerous +info\n`,
      { mode: 0o600 },
    );
    const bin = this.options.bin ?? 'redis-server';
    // Tied to this process: if it dies, even by SIGKILL, redis-server gets SIGTERM.
    const child = spawnTied(
      bin,
      ['--port', String(this.options.port), '--bind', this.options.host, '--save', '', '--appendonly', 'no', '--dir', this.options.dir, '--aclfile', aclFile, '--daemonize', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
      'SIGTERM',
    );
    child.stderr?.on('data', (d) => (this.stderr = (this.stderr + String(d)).slice(-4000)));
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          err.code === 'ENOENT'
            ? new LaunchError(`redis-server not found: install it (Debian/Ubuntu: apt-get install redis-server), set REDIS_SERVER_BIN, or use your own Redis with KEYTURN_EMBEDDED=0.`)
            : new LaunchError(`redis-server could not start: ${err.message}`),
        ),
      );
    });
    this.child = child;
  }

  async waitUntilReady(ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
    await waitUntilReady(this.child, ready, {
      name: 'redis-server',
      port: this.options.port,
      notReady: 'did not answer',
      timeoutMs,
      intervalMs: 100,
      stderr: () => this.stderr,
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child, 'SIGTERM', 5_000);
  }
}
