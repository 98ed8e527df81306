// A NestJS 12 ES-module application (apps/nest12-esm) on the BUILT @keyturn/nestjs and its /typeorm,
// /ioredis, /config and /terminus entry points, with ioredis 6, real PostgreSQL and Redis with
// passwords and the emulator. Runs in plain Node (outside Jest's module mapping) under steady HTTP load while both
// passwords rotate; needs `npm run build` first (the root `npm test` builds before Jest).
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { freePort, startPostgres, startRedis, startTestEmulator, testClientConfig, waitFor, type PostgresServer, type RedisServer, type TestEmulator } from '@keyturn/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { report, SecretRotation, startLoad, whileLoadRuns } from './rotation-support.js';

const execFileAsync = promisify(execFile);
const repo = resolve(__dirname, '../../..');
const appDir = join(repo, 'apps', 'nest12-esm');
const WORKERS = 4;
// Keeps Node resolving from apps/nest12-esm/node_modules/@keyturn/nestjs (see link-keyturn.mjs).
const NODE_ARGS = ['--preserve-symlinks'];

/** GET over a new connection each time (no keep-alive socket outlives the app). */
function getJson(url: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
        } catch {
          resolve({ status: res.statusCode ?? 0, body: text });
        }
      });
    }).on('error', reject);
  });
}

type NestJsonLine = { level: string; context?: string; message: unknown };

describe('a NestJS 12 ES-module application on the built package', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  let child: ChildProcess | undefined;
  let load: ReturnType<typeof startLoad> | undefined;
  const stdout: string[] = [];
  let stderr = '';
  /** tsc's diagnostics for types/usage.mts (empty when it compiles); started early, it runs alongside the app. */
  let typeCheck: Promise<string>;

  beforeAll(async () => {
    const missing = ['packages/core/dist/esm/index.mjs', 'packages/nestjs/dist/esm/index.mjs'].filter((f) => !existsSync(join(repo, f)));
    if (missing.length > 0) throw new Error(`the packages are not built (missing ${missing.join(', ')}): run \`npm run build\` at the repository root first`);
    await execFileAsync(process.execPath, [join(appDir, 'link-keyturn.mjs')]);
    // tsc prints its diagnostics on stdout and exits non-zero.
    typeCheck = execFileAsync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(appDir, 'tsconfig.json')], { cwd: appDir }).then(
      (r) => r.stdout,
      (e: { stdout?: string; message: string }) => e.stdout || e.message,
    );
    [pg, redis, emulatorServer] = await Promise.all([startPostgres(), startRedis(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    await load?.stop();
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5_000)))]);
      clearTimeout(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    sm?.destroy();
    await Promise.all([pg?.stop(), redis?.stop(), emulatorServer?.stop()]);
  });

  /** Resolves `specifier` the way @keyturn/nestjs in the app sees it, and returns its version. */
  /** The version of `specifier` that a Keyturn package (`from`) loads. */
  async function versionSeenByKeyturn(specifier: string, from = '@keyturn/nestjs'): Promise<string> {
    const script = `const { createRequire } = require('node:module');
const keyturn = require.resolve('${from}');
const r = createRequire(keyturn);
const dir = require('node:path').dirname(r.resolve('${specifier}/package.json'));
console.log(require(dir + '/package.json').version);`;
    const { stdout: out } = await execFileAsync(process.execPath, [...NODE_ARGS, '-e', script], { cwd: appDir });
    return out.trim();
  }

  const jsonLines = (): NestJsonLine[] =>
    stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as NestJsonLine);

  it('serves every request while the PostgreSQL and Redis passwords rotate, on NestJS 12 and ioredis 6', async () => {
    // One NestJS 12 and ioredis 6 for the app and for Keyturn.
    expect(await versionSeenByKeyturn('@nestjs/common')).toMatch(/^12\./);
    expect(await versionSeenByKeyturn('@nestjs/core')).toMatch(/^12\./);
    // ioredis is loaded by @keyturn/core/connections.
    expect(await versionSeenByKeyturn('ioredis', '@keyturn/core')).toMatch(/^6\./);
    expect(await versionSeenByKeyturn('@nestjs/terminus')).toMatch(/^12\./);

    const passwords = ['n12-pg-one', 'n12-pg-two', 'n12-redis-one', 'n12-redis-two'];
    await pg.sql(`create role n12_app login password '${passwords[0]}'`);
    await redis.command('ACL', 'SETUSER', 'n12_app', 'on', `>${passwords[2]}`, '~*', '+@all');
    const db = new SecretRotation(sm, 'n12/db');
    const dbSecret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'n12_app', password: passwords[0] };
    await db.create(dbSecret);
    const cacheSecret = { host: redis.host, port: redis.port, username: 'n12_app', password: passwords[2] };
    await new SecretRotation(sm, 'n12/redis').create(cacheSecret);
    await new SecretRotation(sm, 'n12/settings').create({ greeting: 'hello from Secrets Manager' });

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [...NODE_ARGS, 'src/main.js'], {
      cwd: appDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: emulatorServer.endpoint,
        SECRETS_TTL_MS: '1000',
        DB_SECRET_ID: 'n12/db',
        REDIS_SECRET_ID: 'n12/redis',
        SETTINGS_SECRET_ID: 'n12/settings',
      },
    });
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
      const text = partial + d.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      stdout.push(...parts.filter((l) => l.trim() !== ''));
    });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-8000)));
    const up = async () => {
      if (child?.exitCode !== null) throw new Error(`the app exited (${child?.exitCode}):\n${stderr}\n${stdout.join('\n')}`);
      return getJson(`${base}/settings`).then((r) => r.status === 200, () => false);
    };
    await waitFor(up, 'the NestJS 12 app to listen', 30_000, 100);
    expect(await getJson(`${base}/settings`)).toEqual({ status: 200, body: { greeting: 'hello from Secrets Manager' } });
    const readiness = { status: 'ok', info: { database: { status: 'up' }, secrets: { status: 'up', state: 'up', counts: { total: 3, failing: 0, degraded: 0 } } } };
    expect(await getJson(`${base}/health/ready`)).toMatchObject({ status: 200, body: readiness });

    load = startLoad(WORKERS, async () => {
      const res = await getJson(`${base}/visit`);
      if (res.status !== 200) throw new Error(`GET /visit: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    });
    await whileLoadRuns(load.stats, 60);

    // PostgreSQL, the way a single-user rotation function does it: AWSPENDING, ALTER ROLE, then AWSCURRENT.
    const token = await db.putPending({ ...dbSecret, password: passwords[1] });
    await pg.sql(`alter role n12_app password '${passwords[1]}'`);
    const alteredAt = (await pg.sql('select now() as now')).rows[0].now as Date;
    await whileLoadRuns(load.stats, 30);
    await db.finish(token);
    // The app refreshes (1 s TTL), retires the connections opened with the old password; new ones use the new one.
    await waitFor(
      async () => {
        const { rows } = await pg.sql(`select backend_start from pg_stat_activity where usename = 'n12_app'`);
        return rows.length > 0 && rows.every((r) => (r.backend_start as Date) > alteredAt);
      },
      'every PostgreSQL connection of the app to be opened with the new password',
      20_000,
      100,
    );
    await whileLoadRuns(load.stats, 60);

    // Redis, out of band: the password changes and the connection drops before the secret is updated.
    await redis.command('ACL', 'SETUSER', 'n12_app', 'resetpass', `>${passwords[3]}`);
    await redis.command('CLIENT', 'KILL', 'USER', 'n12_app');
    await sm.send(new PutSecretValueCommand({ SecretId: 'n12/redis', SecretString: JSON.stringify({ ...cacheSecret, password: passwords[3] }) }));
    await whileLoadRuns(load.stats, 60);
    const stats = await load.stop();
    report('nest12-esm app, postgres + redis password rotation', stats);

    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(200);
    // The app's Redis connection is back, authenticated with the new password (the old one is gone).
    expect(String(await redis.command('CLIENT', 'LIST'))).toMatch(/ user=n12_app /);
    expect(await getJson(`${base}/visit`)).toMatchObject({ status: 200, body: { dbUser: 'n12_app', cacheUser: 'n12_app' } });
    // Readiness is back to fully up once the store has read the moved AWSCURRENT versions (right
    // after an out-of-band change a secret can be degraded for a refresh interval, and says so).
    let last: { status: number; body: any } | undefined;
    await waitFor(
      async () => {
        last = await getJson(`${base}/health/ready`);
        return last.status === 200 && last.body?.info?.secrets?.state === 'up';
      },
      'readiness to be up with no degraded secret',
      15_000,
      200,
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(last)}`);
    });
    expect(last).toMatchObject({ status: 200, body: readiness });

    // ConsoleLogger({ json: true }): Keyturn's fields are JSON properties, the rejected login a warn with context Keyturn.
    const keyturn = jsonLines().filter((l) => l.context === 'Keyturn');
    expect(keyturn).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 'log', message: expect.objectContaining({ secretId: 'n12/db', versionId: token, msg: expect.stringMatching(/^Secret "n12\/db" rotated/) }) }),
        expect.objectContaining({ level: 'warn', message: expect.stringMatching(/^Redis rejected credentials from secret "n12\/redis" .*WRONGPASS\); refreshing$/) }),
      ]),
    );
    const printed = stdout.join('\n') + stderr;
    for (const password of passwords) expect(printed).not.toContain(password);
  });

  it("compiles a TypeScript use of every entry point against Keyturn's published types, NestJS 12's and ioredis 6's", async () => {
    expect(await typeCheck).toBe('');
  });
});
