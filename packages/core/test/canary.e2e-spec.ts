import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { CreateSecretCommand, DeleteSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { AwsSecretsManagerSource, ChainSource, EnvSource, SecretStore, SecretValidationError, type AuditEvent } from '../src/index.js';

// Every secret value in this file is a unique random string; none may appear in anything Keyturn prints.
const canary = () => `CANARY${randomBytes(12).toString('hex')}`;
const canaries: string[] = [];
const fresh = () => {
  const c = canary();
  canaries.push(c);
  return c;
};

let emulator: TestEmulator;
let admin: SecretsManagerClient;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
});

afterAll(async () => {
  client?.destroy();
  admin?.destroy();
  await emulator?.stop();
});

it('no canary value appears in errors, events, metrics, states, inspect/JSON output, audit or logs', async () => {
  const captured: string[] = [];
  const capture = (x: unknown) => {
    captured.push(inspect(x, { depth: 20, showHidden: true }), String(x), JSON.stringify(x) ?? '');
    if (x instanceof Error) captured.push(x.message, x.stack ?? '', inspect(x.cause, { depth: 20 }));
  };
  const audit: AuditEvent[] = [];
  const log = (level: string) => (msg: string, ctx?: unknown) => captured.push(`${level} ${msg} ${JSON.stringify(ctx)}`);
  const logger = { log: log('log'), warn: log('warn'), error: log('error'), debug: log('debug') };

  const plain = fresh();
  const dbPassword = fresh();
  const notJson = fresh();
  const binary = fresh();
  const envValue = fresh();
  await admin.send(new CreateSecretCommand({ Name: 'c/plain', SecretString: plain }));
  await admin.send(new CreateSecretCommand({ Name: 'c/db', SecretString: JSON.stringify({ username: 'app', password: dbPassword }) }));
  await admin.send(new CreateSecretCommand({ Name: 'c/notjson', SecretString: `{"password": "${notJson}"` }));
  // Not valid UTF-8 (0xff): text() and json() refuse it, reveal() serves the bytes.
  await admin.send(new CreateSecretCommand({ Name: 'c/bin', SecretBinary: new Uint8Array([...new TextEncoder().encode(binary), 0xff]) }));
  await admin.send(new CreateSecretCommand({ Name: 'c/doomed', SecretString: fresh() }));

  let throttle = false;
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (throttle && ctx.commandName === 'GetSecretValueCommand') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
      return next(args);
    },
    { step: 'initialize', name: 'canaryThrottle' },
  );
  const aws = new AwsSecretsManagerSource({ client });
  const env = new EnvSource({ mapping: { 'c/env-only': 'CANARY_ENV' }, env: { CANARY_ENV: envValue } });
  const store = new SecretStore({ sources: [aws, env], logger, audit: { record: (e) => audit.push(e) }, metrics: { openTelemetry: false } });
  for (const ev of ['rotation', 'rejected', 'error', 'state'] as const) store.on(ev, (e) => capture(e));

  // Start-up failure path: a required invalid-JSON secret and a missing one.
  const failing = new SecretStore({ sources: new AwsSecretsManagerSource({ client }), logger, metrics: { openTelemetry: false } });
  failing.register({ ref: 'c/notjson', validate: (v) => v.json() });
  failing.register({ ref: 'c/notjson:password' });
  failing.register({ ref: 'c/missing' });
  const startErr = await failing.start().catch((e) => e);
  expect(startErr.name).toBe('SecretsStartupError');
  capture(startErr);
  for (const f of startErr.failures) capture(f.error);

  const plainE = store.register({ ref: 'c/plain' });
  const dbE = store.register({
    ref: 'c/db:password',
    validate: (v) => {
      const p = String(v.field('password'));
      // A careless hook that puts the value in its error message.
      if (p.length < 10) throw new Error(`password too short: ${p}`);
      return { password: p };
    },
  });
  const binE = store.register({ ref: 'c/bin' });
  const envE = store.register({ ref: 'c/env-only' });
  const doomedE = store.register({ ref: 'c/doomed', required: false });
  const subs: unknown[] = [];
  dbE.subscribe((e) => subs.push(e));
  await store.start();
  expect(plainE.get().text()).toBe(plain);
  expect(dbE.get().password).toBe(dbPassword);
  expect(envE.state().state).toBe('fallback');

  // Value-level errors.
  for (const f of [() => binE.get().text(), () => binE.get().json(), () => plainE.get().json(), () => plainE.get().field('x'), () => store.register({ ref: 'c/db:pass word' })]) {
    try {
      f();
      throw new Error('expected a throw');
    } catch (e) {
      capture(e);
    }
  }

  // Rotation, then a rejected version whose hook error quotes the value.
  await admin.send(new PutSecretValueCommand({ SecretId: 'c/db', SecretString: JSON.stringify({ username: 'app', password: fresh() }) }));
  await store.refresh('c/db', { force: true });
  const short = `C${randomBytes(3).toString('hex')}`;
  canaries.push(short);
  await admin.send(new PutSecretValueCommand({ SecretId: 'c/db', SecretString: JSON.stringify({ username: 'app', password: short }) }));
  await store.refresh('c/db', { force: true });
  expect(dbE.state().rejectedVersionId).toBeDefined();
  expect(subs).toHaveLength(1);

  // A deleted secret, a throttled (stale) one, and reads of other versions.
  await admin.send(new DeleteSecretCommand({ SecretId: 'c/doomed', RecoveryWindowInDays: 7 }));
  await store.refresh('c/doomed', { force: true }).catch(capture);
  try {
    doomedE.get();
  } catch (e) {
    capture(e);
  }
  capture(await store.fetchVersion('c/db', { versionStage: 'AWSPREVIOUS' }));
  throttle = true;
  await store.refresh('c/plain', { force: true }).catch(capture);
  expect(plainE.state().state).toBe('stale');
  expect(plainE.get().text()).toBe(plain);
  throttle = false;
  capture(new SecretValidationError('c/db', [{ path: 'password', constraints: ['minLength'] }]));

  for (const x of [store, plainE, dbE, binE, envE, doomedE, plainE.get(), binE.get(), envE.get(), dbE.current(), aws, env, new ChainSource([aws, env]), store.states(), store.metrics(), audit]) capture(x);
  capture(subs);
  await store.stop();

  const all = captured.join('\n');
  expect(all.length).toBeGreaterThan(5000);
  expect(all).toContain('c/db');
  for (const c of canaries) expect(all).not.toContain(c);
  expect(canaries.length).toBeGreaterThanOrEqual(7);
});
