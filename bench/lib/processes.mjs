// Process orchestration shared by the benchmarks: child Node processes spoken to over IPC with
// request/answer calls, a private redis-server on a free port, and one cleanup path that stops
// everything started (also on failure, SIGINT and SIGTERM).
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cleanups = [];
let cleaning;

/** Registers something to stop when the bench ends, fails or is interrupted (run last-in first-out). */
export function onCleanup(fn) {
  cleanups.push(fn);
}

/** Stops everything registered with onCleanup, once. */
export function cleanup() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()();
      } catch (e) {
        console.error(`cleanup: ${e.message}`);
      }
    }
  })();
  return cleaning;
}

/** In the parent: SIGINT and SIGTERM stop everything registered, then exit. */
export function cleanupOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping what the benchmark started`);
      void cleanup().finally(() => process.exit(130));
    });
  }
}

/**
 * Forks a child module and gives it a `call(cmd, args)` that resolves with the child's answer.
 * Messages the child sends without an id go to `onEvent`. The child is killed at cleanup.
 */
export function startChild(modulePath, { onEvent = () => undefined } = {}) {
  // --no-warnings: the SDK's notice about the Node version would be printed by every child.
  const child = fork(modulePath, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--no-warnings'] });
  const pending = new Map();
  let nextId = 0;
  let exited = false;
  const exit = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      exited = true;
      for (const { reject } of pending.values()) reject(new Error(`${modulePath} exited (${signal ?? code}) before answering`));
      pending.clear();
      resolve();
    }),
  );
  child.on('message', (m) => {
    if (m?.id === undefined) return onEvent(m);
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exit;
    clearTimeout(timer);
  };
  onCleanup(stop);
  return {
    pid: child.pid,
    call: (cmd, args = {}) =>
      new Promise((resolve, reject) => {
        if (exited) return reject(new Error(`${modulePath} is not running`));
        const id = ++nextId;
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      }),
    stop,
  };
}

/**
 * In a child: answers `call(cmd, args)` with `handlers[cmd](args)`, and exits when the parent goes
 * away. `emit(event)` sends an event to the parent's `onEvent`.
 */
export function serveCalls(handlers) {
  process.on('message', async ({ id, cmd, args }) => {
    try {
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unknown command ${cmd}`);
      process.send({ id, result: await handler(args) });
    } catch (e) {
      process.send({ id, error: e?.stack ?? String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  return { emit: (event) => process.connected && process.send(event) };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * A private redis-server on a free port, `default` user off, one ACL user with a random password,
 * nothing persisted. Needs `redis-server` on the PATH (or REDIS_SERVER_BIN).
 */
export async function startRedisServer() {
  const { Redis } = await import('ioredis');
  const dir = mkdtempSync(join(tmpdir(), 'keyturn-bench-redis-'));
  const port = await freePort();
  const username = 'keyturn_bench';
  const password = randomBytes(16).toString('hex');
  writeFileSync(join(dir, 'users.acl'), `user default off\nuser ${username} on >${password} ~* &* +@all\n`);
  const child = spawn(process.env.REDIS_SERVER_BIN ?? 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--aclfile', join(dir, 'users.acl'), '--loglevel', 'warning', '--maxclients', '10000'], { stdio: 'ignore' });
  let exited = false;
  const exit = new Promise((resolve) => child.once('exit', () => ((exited = true), resolve())));
  child.once('error', () => (exited = true));
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  onCleanup(stop);
  const options = { host: '127.0.0.1', port, username, password };
  for (let i = 0; ; i++) {
    if (exited) throw new Error('redis-server exited at start (is it installed? Debian package "redis-server")');
    const r = new Redis({ ...options, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') break;
    } catch {
      if (i > 100) throw new Error(`redis-server on port ${port} did not answer`);
      await new Promise((res) => setTimeout(res, 100));
    } finally {
      r.disconnect();
    }
  }
  return { options, stop };
}
