import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DotenvSource } from '@keyturn/core';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { parse } from 'dotenv';
import { cli } from './cli-harness';

// `keyturn migrate-env` on a realistic .env file, against emulatorServer.
const FIXTURE = join(__dirname, 'fixtures', 'realistic.env');
const ENV = parse(readFileSync(FIXTURE));

let emulatorServer: TestEmulator;
let sm: SecretsManagerClient;
let dir: string;
const transcript: string[] = [];
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
});
afterAll(async () => {
  sm?.destroy();
  await emulatorServer?.stop();
});
beforeEach(async () => {
  await emulatorServer.reset();
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-migrate-'));
  copyFileSync(FIXTURE, join(dir, '.env'));
  k = cli({ endpoint: emulatorServer.endpoint, cwd: dir, transcript });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stored = async (id: string) => JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: id }))).SecretString as string);
const versionCount = async (id: string) => (await sm.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true }))).Versions?.length ?? 0;
const names = async () => ((await sm.send(new ListSecretsCommand({}))).SecretList ?? []).map((s) => s.Name).sort();

// NODE_ENV, PORT, LOG_LEVEL, LOG_FORMAT and EMPTY_VALUE are kept out by default, so there is no app/prod/log.
const EXPECTED_SECRETS = ['app/prod/app', 'app/prod/database', 'app/prod/jwt', 'app/prod/otel', 'app/prod/redis', 'app/prod/sentry', 'app/prod/smtp', 'app/prod/stripe'];

it('plans without changing anything on --dry-run', async () => {
  const r = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
  expect(r.code).toBe(0);
  const plan = r.json();
  expect(plan.dryRun).toBe(true);
  expect(plan.secrets.map((s: { secretId: string }) => s.secretId)).toEqual(EXPECTED_SECRETS);
  expect(plan.secrets.every((s: { action: string }) => s.action === 'create')).toBe(true);
  expect(plan.summary).toEqual({ create: 8, update: 0, unchanged: 0, error: 0 });
  expect(await names()).toEqual([]);
  expect(existsSync(join(dir, 'keyturn.env-map.json'))).toBe(false);
  const text = await k('migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
  expect(text.stdout).toMatch(/dry run, nothing changed/);
  expect(text.stdout).toMatch(/app\/prod\/database\s+dbname, host, password, poolMax, port, sslmode, … \(8\)\s+create/);
});

it('creates grouped JSON secrets, writes an EnvSource mapping, and a second run changes nothing', async () => {
  const first = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  expect(first.code).toBe(0);
  expect(first.json().summary).toEqual({ create: 8, update: 0, unchanged: 0, error: 0 });
  expect(await names()).toEqual(EXPECTED_SECRETS);

  expect(await stored('app/prod/database')).toEqual({
    url: ENV.DATABASE_URL, host: 'db.internal', port: '5432', username: 'app', password: 'pg@pw-canary-1 with spaces', dbname: 'payments', poolMax: '20', sslmode: 'require',
  });
  expect(await stored('app/prod/stripe')).toEqual({ secretKey: ENV.STRIPE_SECRET_KEY, publishableKey: ENV.STRIPE_PUBLISHABLE_KEY, webhookSecret: ENV.STRIPE_WEBHOOK_SECRET, apiVersion: '2024-06-20' });
  expect((await stored('app/prod/jwt')).privateKey).toBe(ENV.JWT_PRIVATE_KEY);
  expect((await stored('app/prod/jwt')).privateKey.split('\n')).toHaveLength(4);
  expect(await stored('app/prod/redis')).toMatchObject({ username: 'payments', password: 'redis#canary-2', tls: 'true' });
  expect(await stored('app/prod/smtp')).toMatchObject({ host: 'smtp.example.com', username: 'postmaster@example.com', replyTo: 'support@example.com' });
  expect(await stored('app/prod/app')).toMatchObject({ name: 'payments-api', s3Bucket: 'payments-receipts' });
  expect(Object.keys(await stored('app/prod/app'))).not.toEqual(expect.arrayContaining(['nodeEnv']));
  for (const key of ['nodeEnv', 'port', 'emptyValue', 'logLevel']) expect(await stored('app/prod/app')).not.toHaveProperty(key);

  // The mapping file is @keyturn/core's VariableMapping: DotenvSource rebuilds the same secrets from the .env file.
  const mapping = JSON.parse(readFileSync(join(dir, 'keyturn.env-map.json'), 'utf8'));
  expect(mapping['app/prod/database']).toMatchObject({ username: 'DB_USER', password: 'DB_PASSWORD', dbname: 'DB_NAME' });
  const source = new DotenvSource({ path: join(dir, '.env'), mapping });
  const local = await source.fetch(EXPECTED_SECRETS.map((secretId) => ({ secretId })));
  for (const r of local) {
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.json()).toEqual(await stored(r.request.secretId));
  }

  const counts = await Promise.all(EXPECTED_SECRETS.map(versionCount));
  const second = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  expect(second.code).toBe(0);
  expect(second.json().summary).toEqual({ create: 0, update: 0, unchanged: 8, error: 0 });
  expect(await Promise.all(EXPECTED_SECRETS.map(versionCount))).toEqual(counts);
  const text = await k('migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  expect(text.stdout).toMatch(/0 created, 0 updated, 8 unchanged, 0 failed/);
});

it('updates only what changed and keeps keys the file does not mention', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'app/prod/stripe', SecretString: JSON.stringify({ secretKey: ENV.STRIPE_SECRET_KEY, accountId: 'acct_123' }) }));
  expect((await k('migrate-env', '.env', '--prefix', 'app/prod', '--yes')).code).toBe(0);
  expect(await stored('app/prod/stripe')).toMatchObject({ accountId: 'acct_123', webhookSecret: ENV.STRIPE_WEBHOOK_SECRET });
  const before = await versionCount('app/prod/database');

  writeFileSync(join(dir, '.env'), readFileSync(join(dir, '.env'), 'utf8').replace('DB_POOL_MAX=20', 'DB_POOL_MAX=50'));
  const r = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  const db = r.json().secrets.find((s: { secretId: string }) => s.secretId === 'app/prod/database');
  expect(db).toMatchObject({ action: 'update', outcome: 'updated', changed: ['poolMax'], added: [] });
  expect(r.json().summary).toEqual({ create: 0, update: 1, unchanged: 7, error: 0 });
  expect((await stored('app/prod/database')).poolMax).toBe('50');
  expect(await versionCount('app/prod/database')).toBe(before + 1);
});

it('shows a progress bar on a terminal only, never with --json', async () => {
  const tty = cli({ endpoint: emulatorServer.endpoint, cwd: dir, transcript, ttyStderr: true });
  const r = await tty('migrate-env', '.env', '--prefix', 'bar', '--yes');
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/migrating .* 8\/8 secrets/);
  const j = await tty('--json', 'migrate-env', '.env', '--prefix', 'bar2', '--yes');
  expect(j.stderr).not.toMatch(/migrating/);
  const plain = await k('migrate-env', '.env', '--prefix', 'bar3', '--yes');
  expect(plain.stderr).not.toMatch(/migrating/);
});

it('refuses to apply without --yes when no terminal can confirm', async () => {
  const r = await k('migrate-env', '.env', '--prefix', 'app/prod');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/pass --yes/);
  expect(await names()).toEqual([]);
});

it('reports a secret it must not overwrite, applies the rest, and exits with the failure code', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'app/prod/jwt', SecretString: 'not-json-signing-key' }));
  const r = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  expect(r.code).toBe(5);
  const jwt = r.json().secrets.find((s: { secretId: string }) => s.secretId === 'app/prod/jwt');
  expect(jwt).toMatchObject({ action: 'error', error: { code: 'SecretNotJson' } });
  expect(r.json().summary).toMatchObject({ create: 7, error: 1 });
  expect((await sm.send(new GetSecretValueCommand({ SecretId: 'app/prod/jwt' }))).SecretString).toBe('not-json-signing-key');
});

it('groups with --group-by service / none and explicit --map', async () => {
  const service = (await k('--json', 'migrate-env', '.env', '--prefix', 'svc', '--group-by', 'service', '--dry-run')).json();
  expect(service.secrets.map((s: { secretId: string }) => s.secretId)).toEqual(['svc/app', 'svc/database', 'svc/jwt', 'svc/redis', 'svc/smtp', 'svc/stripe']);
  const none = (await k('--json', 'migrate-env', '.env', '--prefix', 'flat', '--group-by', 'none', '--dry-run')).json();
  expect(none.secrets).toHaveLength(1);
  expect(none.secrets[0].keys).toHaveLength(36);

  writeFileSync(join(dir, 'map.json'), JSON.stringify({ STRIPE_SECRET_KEY: { secretId: 'pay/stripe-live', key: 'apiKey' }, FEATURE_FLAGS: null }));
  const mapped = await k('--json', 'migrate-env', '.env', '--prefix', 'm', '--map', 'map.json', '--yes', '--mapping-file', 'out.json');
  expect(mapped.code).toBe(0);
  expect(mapped.json().skipped).toEqual(['EMPTY_VALUE', 'FEATURE_FLAGS', 'LOG_FORMAT', 'LOG_LEVEL', 'NODE_ENV', 'PORT']);
  expect(mapped.json().keptOut).toMatchObject({ FEATURE_FLAGS: 'map', NODE_ENV: 'default', EMPTY_VALUE: 'empty' });
  expect(await stored('pay/stripe-live')).toEqual({ apiKey: ENV.STRIPE_SECRET_KEY });
  expect(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'))['pay/stripe-live']).toEqual({ apiKey: 'STRIPE_SECRET_KEY' });

  writeFileSync(join(dir, 'bad-map.json'), '{"STRIPE_SECRET_KEY": ');
  expect((await k('migrate-env', '.env', '--prefix', 'm', '--map', 'bad-map.json', '--dry-run')).code).toBe(2);
  expect((await k('migrate-env', 'missing.env', '--prefix', 'm')).code).toBe(2);
  expect((await k('migrate-env', '.env', '--prefix', 'm', '--group-by', 'weird')).code).toBe(2);
});

describe('which variables are migrated', () => {
  it('keeps non-secrets (NODE_ENV, PORT, LOG_LEVEL, ...) and empty values out by default, and says so', async () => {
    const r = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
    expect(r.json().keptOut).toEqual({ NODE_ENV: 'default', PORT: 'default', LOG_LEVEL: 'default', LOG_FORMAT: 'default', EMPTY_VALUE: 'empty' });
    const keys = r.json().secrets.flatMap((s: { variables: Record<string, string> }) => Object.keys(s.variables));
    expect(keys).not.toEqual(expect.arrayContaining(['NODE_ENV']));
    for (const name of ['NODE_ENV', 'PORT', 'LOG_LEVEL', 'LOG_FORMAT', 'EMPTY_VALUE']) expect(keys).not.toContain(name);
    const text = await k('migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
    expect(text.stdout).toMatch(/Kept out: LOG_FORMAT, LOG_LEVEL, NODE_ENV, PORT \(not secrets by default\); EMPTY_VALUE \(empty\)\. --include brings them back\./);
  });

  it('--include and --exclude take glob patterns; --exclude wins', async () => {
    const only = (await k('--json', 'migrate-env', '.env', '--prefix', 'p', '--include', 'STRIPE_*', 'JWT_SECRET', 'PORT', '--exclude', '*_PUBLISHABLE_KEY', '--dry-run')).json();
    expect(only.secrets.map((s: { secretId: string }) => s.secretId)).toEqual(['p/app', 'p/jwt', 'p/stripe']);
    expect(only.secrets.find((s: { secretId: string }) => s.secretId === 'p/stripe').keys).toEqual(['apiVersion', 'secretKey', 'webhookSecret']);
    expect(only.keptOut).toMatchObject({ STRIPE_PUBLISHABLE_KEY: 'excluded', DB_PASSWORD: 'not-included', NODE_ENV: 'not-included' });
    const without = (await k('--json', 'migrate-env', '.env', '--prefix', 'p', '--exclude', 'SENTRY_*', 'OTEL_*', '--dry-run')).json();
    expect(without.secrets.map((s: { secretId: string }) => s.secretId)).not.toEqual(expect.arrayContaining(['p/sentry']));
    expect(without.secrets.map((s: { secretId: string }) => s.secretId)).not.toContain('p/otel');
    const all = (await k('--json', 'migrate-env', '.env', '--prefix', 'p', '--no-default-excludes', '--group-by', 'none', '--dry-run')).json();
    expect(all.secrets[0].keys).toHaveLength(41);
    const nothing = await k('migrate-env', '.env', '--prefix', 'p', '--include', 'NOPE_*', '--dry-run');
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toMatch(/No variable of \.env is left to migrate/);
  });

  it('validates every option with a clear error (exit 2)', async () => {
    for (const [args, message] of [
      [['--concurrency', '0'], /--concurrency .*whole number from 1 to 16/],
      [['--concurrency', 'abc'], /--concurrency .*whole number from 1 to 16/],
      [['--concurrency', '17'], /--concurrency .*whole number from 1 to 16/],
      [['--concurrency', '2.5'], /--concurrency .*whole number from 1 to 16/],
      [['--include', 'FOO['], /--include "FOO\[" is not a variable name pattern/],
      [['--exclude', 'a b'], /--exclude "a b" is not a variable name pattern/],
      [['--prefix', 'bad prefix!'], /--prefix "bad prefix!" is not a valid secret name prefix/],
      [['--mapping-file', ''], /--mapping-file .*path/],
    ] as [string[], RegExp][]) {
      const r = await k('migrate-env', '.env', '--prefix', 'ok', '--dry-run', ...args);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
    }
    expect((await k('migrate-env', '.env', '--prefix', 'ok', '--dry-run', '--concurrency', '2')).code).toBe(0);
  });
});

describe('planning progress', () => {
  it('reports reading each secret on stderr while planning; stdout keeps the plan', async () => {
    const r = await k('migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
    expect(r.stderr).toMatch(/^Planning 8 secrets from \.env \(36 variables; 5 kept out\): reading what is stored\.\.\.\n/);
    expect(r.stderr).toMatch(/Planned app\/prod\/database: create \(8 keys\) \[\d\/8\]/);
    expect(r.stderr.match(/^Planned /gm)).toHaveLength(8);
    const j = await k('--json', 'migrate-env', '.env', '--prefix', 'app/prod', '--dry-run');
    const events = j.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ progress: 'migrate-env', event: 'planning', secrets: 8 });
    expect(events.filter((e) => e.event === 'planned')).toHaveLength(8);
    expect(j.json().dryRun).toBe(true);
  });
});

it('never printed a value of the .env file (canary)', () => {
  expect(transcript.length).toBeGreaterThan(20);
  const all = transcript.join('\n');
  const secrets = Object.values(ENV).filter((v) => v.length >= 6 && /canary/.test(v));
  expect(secrets.length).toBeGreaterThanOrEqual(8);
  for (const v of secrets) expect(all).not.toContain(v);
  for (const m of all.match(/canary[\w-]*/g) ?? []) throw new Error(`value fragment printed: ${m}`);
});
