import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitedWithin } from './child-process';
import { freePort, waitFor } from './ports';

export interface RedisServer {
  host: string;
  port: number;
  /** An ACL user with every permission (`~* &* +@all`). */
  adminUser: string;
  adminPassword: string;
  /** Runs one command as the admin user on a fresh connection. */
  command(...args: (string | number)[]): Promise<unknown>;
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
  const child: ChildProcess = spawn(
    process.env.REDIS_SERVER_BIN ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--aclfile', aclFile, '--daemonize', 'no', '--loglevel', 'warning'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  child.on('error', (e) => (stderr += String(e)));
  const host = '127.0.0.1';
  const { Redis } = require('ioredis') as typeof import('ioredis');
  const command = async (...args: (string | number)[]) => {
    const r = new Redis({ host, port, username: adminUser, password: adminPassword, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    await r.connect();
    try {
      return await r.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      r.disconnect();
    }
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr || 'is redis-server installed? (Debian package "redis-server")'}`);
      return (await command('PING')) === 'PONG';
    }, `Redis on port ${port}`, 30_000, 100);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = exitedWithin(child, 5_000);
      child.kill('SIGTERM');
      await exited;
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exitedWithin(child, 2_000);
      }
    }
    child.stderr?.destroy();
    rmSync(dir, { recursive: true, force: true });
  };
  return { host, port, adminUser, adminPassword, command, stop };
}
