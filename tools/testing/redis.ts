import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';
import { spawnServer } from './servers';

export interface RedisServer {
  host: string;
  port: number;
  /** The server's process id. */
  pid: number;
  /** An ACL user with every permission (`~* &* +@all`). */
  adminUser: string;
  adminPassword: string;
  /** Runs one command as the admin user on a fresh connection. */
  command(...args: (string | number)[]): Promise<unknown>;
  /** Whether `user` authenticates with `password` and can PING (a fresh connection, straight to the server). */
  canLogin(user: string, password: string): Promise<boolean>;
  stop(): Promise<void>;
}

/**
 * Starts a private redis-server on a free port with ACLs: the `default` user is off,
 * `keyturn_admin` has every permission with a random password. Nothing is persisted.
 */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'keyturn-redis-'));
  const port = await freePort();
  const adminUser = 'keyturn_admin';
  const adminPassword = `admin-${Math.random().toString(36).slice(2)}-${Date.now()}`;
  const aclFile = join(dir, 'users.acl');
  writeFileSync(aclFile, `user default off\nuser ${adminUser} on >${adminPassword} ~* &* +@all\n`);
  const server = spawnServer(
    `Redis on port ${port}`,
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--aclfile', aclFile, '--daemonize', 'no', '--loglevel', 'warning'],
    { stopSignal: 'SIGTERM', graceMs: 5_000, cleanup: () => rmSync(dir, { recursive: true, force: true }) },
  );
  const host = '127.0.0.1';
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const command = async (...args: (string | number)[]) => {
    // No reconnects: a refused connection while the server starts must not leave a client retrying
    // after the test (its timer keeps Jest from exiting).
    const r = new Redis({ host, port, username: adminUser, password: adminPassword, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.connect();
    try {
      return await r.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      r.disconnect();
    }
  };
  const canLogin = async (user: string, password: string) => {
    const r = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.call('AUTH', user, password);
      return (await r.call('PING')) === 'PONG';
    } catch {
      return false;
    } finally {
      r.disconnect();
    }
  };
  try {
    await waitFor(async () => {
      if (server.exited()) throw new Error(`redis-server exited: ${server.stderr() || 'is redis-server installed? (Debian package "redis-server")'}`);
      return (await command('PING')) === 'PONG';
    }, `Redis on port ${port}`, 30_000, 100);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const stop = () => server.stop();
  return { host, port, pid: server.child.pid!, adminUser, adminPassword, command, canLogin, stop };
}
