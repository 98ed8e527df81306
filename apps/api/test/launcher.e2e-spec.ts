import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@keyturn/emulator';
import { freePort, waitFor } from '@keyturn/testing';
import { launchApi, type RunningApi } from '../src/launcher';
import { call, tokenFor } from './support/http';

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const sock = require('node:net').connect(port, '127.0.0.1');
    sock.once('connect', () => (sock.destroy(), resolve(true)));
    sock.once('error', () => resolve(false));
  });

async function embeddedEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  return {
    KEYTURN_DATA_DIR: dataDir,
    PORT: String(await freePort()),
    KEYTURN_EMULATOR_PORT: String(await freePort()),
    KEYTURN_PG_PORT: String(await freePort()),
    KEYTURN_REDIS_PORT: String(await freePort()),
    KEYTURN_SMTP_PORT: String(await freePort()),
    PATH: process.env.PATH,
  };
}

describe('npm start: the embedded default', () => {
  const dirs: string[] = [];
  const running: RunningApi[] = [];
  const newDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'keyturn-api-launch-'));
    dirs.push(d);
    return d;
  };
  afterAll(async () => {
    for (const r of running) await r.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts the emulator, PostgreSQL, Redis and SMTP with seeded secrets, keeps them across restarts and stops everything', async () => {
    const dir = newDir();
    const env = await embeddedEnv(dir);
    const messages: string[] = [];
    const first = await launchApi(env, { log: (m) => messages.push(m), nestLogger: false });
    running.push(first);
    expect(messages.join('\n')).toContain('Seeded 8 demo secrets');
    expect(first.stack!.started.map((s) => s.name)).toEqual(['Secrets Manager emulator', 'PostgreSQL', 'Redis', 'SMTP sink (records, delivers nothing)']);
    const token = await tokenFor(first.url);
    // Secret names and versions are shown to authenticated callers only (the default of KEYTURN_HEALTH_DETAILS).
    expect((await call(first.url, 'GET', '/health/ready')).body.details.secrets).toEqual({ status: 'up', state: 'up', counts: { total: 6, failing: 0, degraded: 0 } });
    const health = await call(first.url, 'GET', '/health', undefined, { authorization: `Bearer ${token}` });
    expect(health.status).toBe(200);
    const mail = await call(first.url, 'POST', '/notifications/email', { to: 'ops@example.com', subject: 'hi', text: 'hello' }, { authorization: `Bearer ${token}` });
    expect(mail.status).toBe(202);
    expect(first.stack!.smtpSink!.received).toBe(1);
    const jwtVersion = health.body.details.secrets.secrets['payments/dev/jwt/signing-key'].versionId as string;
    await first.stop();
    running.pop();
    for (const key of ['PORT', 'KEYTURN_EMULATOR_PORT', 'KEYTURN_PG_PORT', 'KEYTURN_REDIS_PORT', 'KEYTURN_SMTP_PORT']) expect(await canConnect(Number(env[key]))).toBe(false);

    // Second start on the same data: nothing seeded again, same versions, same database contents.
    const again: string[] = [];
    const second = await launchApi(env, { log: (m) => again.push(m), nestLogger: false });
    running.push(second);
    expect(again.join('\n')).not.toContain('Seeded');
    const health2 = await call(second.url, 'GET', '/health', undefined, { authorization: `Bearer ${await tokenFor(second.url)}` });
    expect(health2.body.details.secrets.secrets['payments/dev/jwt/signing-key'].versionId).toBe(jwtVersion);
    expect((await call(second.url, 'POST', '/auth/token', { username: 'demo', password: 'demo-password' })).status).toBe(200);
    await second.stop();
    running.pop();
  });

  it('leaves no server running when the API process is killed with SIGKILL', async () => {
    const main = join(__dirname, '..', 'dist', 'cjs', 'main.js');
    if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` at the repository root first`);
    const env = await embeddedEnv(newDir());
    const api = spawn(process.execPath, [main], { env, stdio: 'ignore' });
    const exited = new Promise((r) => api.once('exit', r));
    try {
      await waitFor(() => canConnect(Number(env.PORT)), 'the API to listen', 120_000, 200);
      expect(await canConnect(Number(env.KEYTURN_PG_PORT))).toBe(true);
      expect(await canConnect(Number(env.KEYTURN_REDIS_PORT))).toBe(true);
    } finally {
      api.kill('SIGKILL');
      await exited;
    }
    // Nothing closed them: the kernel told PostgreSQL and Redis that their parent died.
    await waitFor(async () => !(await canConnect(Number(env.KEYTURN_PG_PORT))) && !(await canConnect(Number(env.KEYTURN_REDIS_PORT))), 'PostgreSQL and Redis to stop', 30_000, 100);
  });

  it('refuses to start when a port is taken, says which variable to change, and leaves nothing running', async () => {
    const env = await embeddedEnv(newDir());
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(Number(env.KEYTURN_EMULATOR_PORT), '127.0.0.1', r));
    try {
      await expect(launchApi(env, { log: () => undefined, nestLogger: false })).rejects.toThrow(/port \d+ .*already in use.*KEYTURN_EMULATOR_PORT/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }

    const env2 = await embeddedEnv(newDir());
    const blocker2: Server = createServer();
    await new Promise<void>((r) => blocker2.listen(Number(env2.KEYTURN_REDIS_PORT), '127.0.0.1', r));
    try {
      await expect(launchApi(env2, { log: () => undefined, nestLogger: false })).rejects.toThrow(/Redis: port \d+ .*already in use/);
    } finally {
      await new Promise((r) => blocker2.close(r));
    }
    // What started before the failure (emulator, PostgreSQL) was stopped again.
    expect(await canConnect(Number(env2.KEYTURN_EMULATOR_PORT))).toBe(false);
    expect(await canConnect(Number(env2.KEYTURN_PG_PORT))).toBe(false);
  });

  it('names the missing PostgreSQL binaries and what to set', async () => {
    const env: NodeJS.ProcessEnv = { ...(await embeddedEnv(newDir())), PG_BIN_DIR: '/nonexistent/bin' };
    await expect(launchApi(env, { log: () => undefined, nestLogger: false })).rejects.toThrow(/PG_BIN_DIR=\/nonexistent\/bin has no "postgres" binary/);
    expect(await canConnect(Number(env.KEYTURN_EMULATOR_PORT))).toBe(false);
  });
  it('stops with one error naming every missing secret and the permission to check, and starts nothing', async () => {
    const emulator = await startEmulator({ port: 0, logger: false }); // an empty Secrets Manager
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    try {
      const env: NodeJS.ProcessEnv = {
        ...(await embeddedEnv(newDir())),
        KEYTURN_EMBEDDED: '0',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.endpoint,
        AWS_REGION: 'us-east-1',
      };
      const err = (await launchApi(env, { log: () => undefined, nestLogger: false }).then(
        () => undefined,
        (e: unknown) => e,
      )) as Error | undefined;
      expect(err).toBeInstanceOf(Error);
      for (const id of ['payments/dev/postgres/app-user', 'payments/dev/redis/app-user', 'payments/dev/jwt/signing-key', 'payments/dev/smtp/credentials']) {
        expect(err!.message).toContain(id);
      }
      expect(err!.message).toContain('secretsmanager:GetSecretValue');
      expect(await canConnect(Number(env.PORT))).toBe(false);
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.key === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.key;
      await emulator.stop();
    }
  });
});
