import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource, SecretScheduledForDeletionError, SecretStore, type SecretEntry } from '../src/index.js';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';

let emulator: TestEmulator;
let admin: SecretsManagerClient;
const clients: SecretsManagerClient[] = [];
const stores: SecretStore[] = [];

/** A client counting operations through its own middleware (independent of Keyturn's counter). */
function countingClient(): { client: SecretsManagerClient; calls: Record<string, number> } {
  const client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  const calls: Record<string, number> = {};
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      const op = String(ctx.commandName).replace(/Command$/, '');
      calls[op] = (calls[op] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'testCounter' },
  );
  clients.push(client);
  return { client, calls };
}

function newStore(client: SecretsManagerClient, opts: ConstructorParameters<typeof SecretStore>[0] = {}): { store: SecretStore; source: AwsSecretsManagerSource } {
  const source = new AwsSecretsManagerSource({ client });
  const store = new SecretStore({ sources: source, metrics: { openTelemetry: false }, ...opts });
  stores.push(store);
  return { store, source };
}

const create = (name: string, value: string) => admin.send(new CreateSecretCommand({ Name: name, SecretString: value }));

beforeAll(async () => {
  emulator = await startTestEmulator();
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.stop()));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  admin?.destroy();
  await emulator?.stop();
});

it('loads 25 secrets with 2 BatchGetSecretValue calls (chunks of 20)', async () => {
  const names = Array.from({ length: 25 }, (_, i) => `batch/s${String(i).padStart(2, '0')}`);
  await Promise.all(names.map((n, i) => create(n, `value-${i}`)));
  const { client, calls } = countingClient();
  const { store, source } = newStore(client);
  const entries = names.map((n) => store.register({ ref: n }));
  await store.start();
  expect(calls).toEqual({ BatchGetSecretValue: 2 });
  expect(source.apiCalls()).toEqual({ BatchGetSecretValue: 2 });
  expect(store.metrics().apiCalls).toEqual({ BatchGetSecretValue: 2 });
  entries.forEach((e, i) => expect(e.get().text()).toBe(`value-${i}`));
  expect(entries[0].get().arn).toMatch(/^arn:aws:secretsmanager:us-east-1:123456789012:secret:batch\/s00-/);
});

it('reads by ARN, by JSON key and by stage; a missing id in a batch is reported per secret', async () => {
  const { ARN } = await create('refs/db', JSON.stringify({ username: 'app', password: 'pw' }));
  await admin.send(new PutSecretValueCommand({ SecretId: 'refs/db', SecretString: JSON.stringify({ username: 'app', password: 'pw2' }) }));
  const { client, calls } = countingClient();
  const { store } = newStore(client);
  const byArn = store.register({ ref: ARN! });
  const key = store.register({ ref: 'refs/db:password', transform: (v) => String(v.field('password')) });
  const prev = store.register({ ref: 'refs/db:password:AWSPREVIOUS', transform: (v) => String(v.field('password')) });
  const missing = store.register({ ref: 'refs/missing', required: false });
  await store.start();
  expect(byArn.get().name).toBe('refs/db');
  expect(key.get()).toBe('pw2');
  expect(prev.get()).toBe('pw');
  expect(missing.state()).toMatchObject({ state: 'failed', lastErrorCode: 'ResourceNotFoundException' });
  expect(() => missing.get()).toThrow(/"refs\/missing" was not found/);
  expect(calls.BatchGetSecretValue).toBe(1);
  expect(calls.GetSecretValue).toBeGreaterThanOrEqual(1); // the AWSPREVIOUS read (emulator may omit Errors[] entries; those ids are asked again)
});

it('detects rotation after PutSecretValue and after UpdateSecretVersionStage', async () => {
  const { VersionId: v1 } = await create('rot/key', 'one');
  const { client } = countingClient();
  const { store } = newStore(client, { ttlMs: 400, refreshJitter: [0.5, 1] });
  const entry: SecretEntry = store.register({ ref: 'rot/key' });
  const events: { previousVersionId?: string; versionId: string; value: string }[] = [];
  entry.subscribe((e) => events.push({ previousVersionId: e.previousVersionId, versionId: e.versionId, value: e.value.text() }));
  await store.start();
  const { VersionId: v2 } = await admin.send(new PutSecretValueCommand({ SecretId: 'rot/key', SecretString: 'two' }));
  await waitFor(() => entry.get().text() === 'two', 'rotation after PutSecretValue', 10_000, 50);
  expect(events[0]).toEqual({ previousVersionId: v1, versionId: v2, value: 'two' });
  // Roll back: move AWSCURRENT to the first version.
  await admin.send(new UpdateSecretVersionStageCommand({ SecretId: 'rot/key', VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 }));
  await waitFor(() => entry.get().text() === 'one', 'rotation after UpdateSecretVersionStage', 10_000, 50);
  expect(events[1]).toEqual({ previousVersionId: v2, versionId: v1, value: 'one' });
  expect(entry.state()).toMatchObject({ state: 'fresh', versionId: v1 });
});

it('does not hide a secret scheduled for deletion behind the cached value', async () => {
  await create('del/x', 'soon-gone');
  const { client } = countingClient();
  const { store } = newStore(client);
  const entry = store.register({ ref: 'del/x' });
  await store.start();
  expect(entry.get().text()).toBe('soon-gone');
  await admin.send(new DeleteSecretCommand({ SecretId: 'del/x', RecoveryWindowInDays: 7 }));
  await expect(store.refresh('del/x', { force: true })).rejects.toBeInstanceOf(SecretScheduledForDeletionError);
  expect(entry.state()).toMatchObject({ state: 'failed', lastErrorCode: 'InvalidRequestException' });
  expect(() => entry.get()).toThrow(SecretScheduledForDeletionError);
  expect(() => entry.get()).toThrow(/"del\/x" is scheduled for deletion/);
});

it('single-flight: 100 concurrent cold reads make one API call', async () => {
  await create('sf/tenant', 'cold');
  const { client, calls } = countingClient();
  const { store } = newStore(client);
  const entries = await Promise.all(Array.from({ length: 100 }, () => store.load({ ref: 'sf/tenant' })));
  expect(calls).toEqual({ GetSecretValue: 1 });
  expect(entries.every((e) => e.get().text() === 'cold')).toBe(true);
});

it('falls back to GetSecretValue when BatchGetSecretValue is denied, and remembers it', async () => {
  await Promise.all(['fb/a', 'fb/b', 'fb/c'].map((n) => create(n, n)));
  const { client, calls } = countingClient();
  client.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'BatchGetSecretValueCommand') {
        throw Object.assign(new Error('not authorized to perform: secretsmanager:BatchGetSecretValue'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'denyBatch', priority: 'low' },
  );
  const { store, source } = newStore(client, { ttlMs: 300 });
  const entries = ['fb/a', 'fb/b', 'fb/c'].map((n) => store.register({ ref: n }));
  await store.start();
  expect(entries.map((e) => e.get().text())).toEqual(['fb/a', 'fb/b', 'fb/c']);
  expect(source.batchRefusal).toBe('AccessDeniedException');
  expect(calls).toEqual({ BatchGetSecretValue: 1, GetSecretValue: 3 });
  await store.refresh('fb/a', { force: true });
  await Promise.all([store.refresh('fb/b', { force: true }), store.refresh('fb/c', { force: true })]);
  expect(calls.BatchGetSecretValue).toBe(1);
  expect(entries.every((e) => e.state().state === 'fresh')).toBe(true);
});

it('honours AWS_ENDPOINT_URL_SECRETS_MANAGER (the SDK resolves it; Keyturn adds nothing)', async () => {
  await create('env/endpoint', 'via-env');
  const saved = { ...process.env };
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = emulator.endpoint;
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9'; // the service-specific variable wins
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'test';
  process.env.AWS_SECRET_ACCESS_KEY = 'test';
  try {
    const source = new AwsSecretsManagerSource({ clientConfig: { maxAttempts: 1 } });
    const [r] = await source.fetch([{ secretId: 'env/endpoint' }]);
    await source.destroy();
    expect(r.ok && r.value.text()).toBe('via-env');
    delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
    process.env.AWS_ENDPOINT_URL = emulator.endpoint;
    const generic = new AwsSecretsManagerSource({ clientConfig: { maxAttempts: 1 } });
    const [g] = await generic.fetch([{ secretId: 'env/endpoint' }]);
    await generic.destroy();
    expect(g.ok && g.value.text()).toBe('via-env');
  } finally {
    for (const k of ['AWS_ENDPOINT_URL_SECRETS_MANAGER', 'AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
});

describe('against the AWS quotas of the emulator', () => {
  let limited: TestEmulator | undefined;

  beforeAll(async () => {
    // One BatchGetSecretValue per second (a bucket of one): of three chunks sent together, two are throttled.
    limited = await startTestEmulator({ quotas: { rates: { BatchGetSecretValue: 1 } } });
  });

  afterAll(async () => {
    await limited?.stop();
  });

  it('reads the ids of throttled BatchGetSecretValue calls with GetSecretValue at once: the SDK does not retry them', async () => {
    const server = limited!.server();
    // The SDK's default of 3 attempts, which would retry a throttled call.
    const client = new SecretsManagerClient({ ...testClientConfig(limited!.endpoint), maxAttempts: 3 });
    clients.push(client);
    const names = Array.from({ length: 45 }, (_, i) => `quota/s${String(i).padStart(2, '0')}`);
    for (const name of names) await client.send(new CreateSecretCommand({ Name: name, SecretString: name }));
    server.requests.reset();
    const { store } = newStore(client);
    const entries = names.map((n) => store.register({ ref: n }));
    await store.start();
    expect(entries.map((e) => e.get().text())).toEqual(names);
    const counts = Object.fromEntries(server.requests.snapshot().map((c) => [c.operation, c]));
    expect([counts.BatchGetSecretValue?.requests, counts.BatchGetSecretValue?.throttled]).toEqual([3, 2]);
    // The ids of the two throttled chunks (20 + 5, or 20 + 20), one GetSecretValue each, none throttled.
    expect([25, 40]).toContain(counts.GetSecretValue?.requests);
    expect(counts.GetSecretValue?.throttled).toBe(0);
  });
});
