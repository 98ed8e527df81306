/**
 * Push invalidation over the real path: the emulator through the AWS SDK v3, a real Redis with an
 * ACL user limited to Keyturn's keys and channels, ioredis clients, and two or more stores standing
 * for the instances of a fleet. Every store has a TTL of one hour, so only the bus can explain a
 * pick-up within the test.
 */
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startRedis, startTestEmulator, testClientConfig, waitFor, type RedisServer, type TestEmulator } from '@keyturn/testing';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { attachInvalidationBus, AwsSecretsManagerSource, FleetWatcher, RedisInvalidationBus, SecretStore, type FleetInvalidation, type FleetInvalidationOptions } from '../src/index.js';

const HOUR = 3_600_000;
const BUS_USER = 'keyturn_bus';
const BUS_PASSWORD = `bus-${randomUUID()}`;

let emulator: TestEmulator;
let redis: RedisServer;
let admin: SecretsManagerClient;
let redisAdmin: Redis;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  [emulator, redis] = await Promise.all([startTestEmulator(), startRedis()]);
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  await redis.command('ACL', 'SETUSER', BUS_USER, 'on', `>${BUS_PASSWORD}`, '~keyturn:*', '&keyturn:*', '+@all');
  redisAdmin = new Redis({ host: redis.host, port: redis.port, username: redis.adminUser, password: redis.adminPassword });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  redisAdmin?.disconnect();
  admin?.destroy();
  await Promise.all([emulator?.stop(), redis?.stop()]);
});

const lines: string[] = [];
const logger = { log: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m), error: (m: string) => void lines.push(m) };

function busClient(): Redis {
  const client = new Redis({ host: redis.host, port: redis.port, username: BUS_USER, password: BUS_PASSWORD });
  cleanups.push(() => client.disconnect());
  return client;
}

/** One instance of the fleet: a store on its own SDK client, a bus on its own Redis connections. */
async function instance(ids: string[], channel: string, options: FleetInvalidationOptions = {}) {
  const source = new AwsSecretsManagerSource({ clientConfig: testClientConfig(emulator.endpoint) });
  const store = new SecretStore({ sources: source, ttlMs: HOUR, rotationAware: false, metrics: { openTelemetry: false }, logger });
  cleanups.push(() => source.destroy());
  cleanups.push(() => store.stop());
  const entries = ids.map((id) => store.register({ ref: id }));
  await store.start();
  const publisher = busClient();
  const bus = new RedisInvalidationBus({ publisher, subscriber: busClient(), channel });
  const fleet = await attachInvalidationBus(store, bus, { logger, ...options });
  cleanups.push(() => fleet.stop());
  return { source, store, entries, publisher, fleet };
}

function watcher(inst: { source: AwsSecretsManagerSource; store: SecretStore; publisher: Redis; fleet: FleetInvalidation }, prefix: string, lockKey: string, extra: { client?: SecretsManagerClient } = {}) {
  const w = new FleetWatcher({
    redis: inst.publisher,
    publish: (m) => inst.fleet.publish(m),
    client: extra.client ?? inst.source.client,
    store: inst.store,
    prefix,
    intervalMs: 100,
    lockTtlMs: 600,
    lockKey,
    logger,
  });
  cleanups.push(() => w.stop());
  return w;
}

const fetchCalls = (source: AwsSecretsManagerSource) => {
  const c = source.apiCalls();
  return (c.GetSecretValue ?? 0) + (c.BatchGetSecretValue ?? 0);
};

async function createSecret(name: string, value: string): Promise<string> {
  return (await admin.send(new CreateSecretCommand({ Name: name, SecretString: value }))).VersionId!;
}

it('a new version taken by instance A reaches instance B over the bus, well before B’s one-hour TTL', async () => {
  await createSecret('fleet/a/db', 'v1');
  const channel = `keyturn:test:${randomUUID()}`;
  const a = await instance(['fleet/a/db'], channel);
  const b = await instance(['fleet/a/db'], channel);
  const v2 = (await admin.send(new PutSecretValueCommand({ SecretId: 'fleet/a/db', SecretString: 'v2' }))).VersionId!;
  await a.store.refresh('fleet/a/db', { force: true });
  await waitFor(() => b.entries[0].get().text() === 'v2', 'instance B to take v2', 10_000, 20);
  expect(b.entries[0].state().versionId).toBe(v2);
  expect(a.fleet.stats()).toMatchObject({ published: 1 });
  expect(b.fleet.stats()).toMatchObject({ received: 1, refreshes: 1, lastMessage: { secretId: 'fleet/a/db', versionId: v2, origin: a.fleet.instanceId } });
  // B learned v2 from the bus: it does not publish it again.
  expect(b.fleet.stats().published).toBe(0);
  expect(b.store.metrics().fleet).toMatchObject({ received: 1, refreshes: 1 });
  expect(lines.join('\n')).not.toMatch(/\bv2\b/);
});

it('the elected watcher finds an out-of-band change with ListSecrets and every instance takes it', async () => {
  await createSecret('fleet/w/api-key', 'k1');
  await createSecret('fleet/w/other', 'o1');
  const channel = `keyturn:test:${randomUUID()}`;
  const lockKey = `keyturn:lock:${randomUUID()}`;
  const a = await instance(['fleet/w/api-key'], channel);
  const b = await instance(['fleet/w/api-key'], channel);
  const wa = watcher(a, 'fleet/w/', lockKey);
  const wb = watcher(b, 'fleet/w/', lockKey);
  await wa.start();
  await wb.start();
  expect([wa.leader, wb.leader]).toEqual([true, false]);
  expect(a.store.metrics().fleet.leader).toBe(1);
  expect(b.store.metrics().fleet.leader).toBe(0);
  await waitFor(() => wa.status().watched === 2, 'the first pass (baseline)', 5_000, 20);
  const k2 = (await admin.send(new PutSecretValueCommand({ SecretId: 'fleet/w/api-key', SecretString: 'k2' }))).VersionId!;
  await waitFor(() => a.entries[0].get().text() === 'k2' && b.entries[0].get().text() === 'k2', 'both instances to take k2', 10_000, 20);
  expect(b.entries[0].state().versionId).toBe(k2);
  expect(b.fleet.stats().lastMessage?.origin).toMatch(/^watcher:/);
  expect(wa.status().mode).toBe('ListSecrets');
  expect(a.source.apiCalls().ListSecrets).toBeGreaterThanOrEqual(2);
  expect(b.source.apiCalls().ListSecrets ?? 0).toBe(0);
});

it('when the watcher’s holder dies, another instance takes the lock after it expires and publishes the next change', async () => {
  await createSecret('fleet/r/db', 'd1');
  const channel = `keyturn:test:${randomUUID()}`;
  const lockKey = `keyturn:lock:${randomUUID()}`;
  const a = await instance(['fleet/r/db'], channel);
  const b = await instance(['fleet/r/db'], channel);
  const wa = watcher(a, 'fleet/r/', lockKey);
  const wb = watcher(b, 'fleet/r/', lockKey);
  await wa.start();
  await wb.start();
  expect(wa.leader).toBe(true);
  // The holder dies without releasing the lock (as a crashed process would).
  await wa.stop({ release: false });
  expect(await redisAdmin.exists(lockKey)).toBe(1);
  await waitFor(() => wb.leader, 'instance B to take the lock after it expires', 10_000, 20);
  expect(await redisAdmin.exists(lockKey)).toBe(1);
  expect(b.store.metrics().fleet.leader).toBe(1);
  const d2 = (await admin.send(new PutSecretValueCommand({ SecretId: 'fleet/r/db', SecretString: 'd2' }))).VersionId!;
  await waitFor(() => a.entries[0].state().versionId === d2 && b.entries[0].state().versionId === d2, 'both instances to take d2', 10_000, 20);
  // A stop that releases hands over at once: the lock is gone.
  await wb.stop();
  expect(await redisAdmin.exists(lockKey)).toBe(0);
});

it('falls back to DescribeSecret for the secrets it holds where ListSecrets is denied', async () => {
  await createSecret('fleet/d/db', 'x1');
  const channel = `keyturn:test:${randomUUID()}`;
  const a = await instance(['fleet/d/db'], channel);
  const b = await instance(['fleet/d/db'], channel);
  // A client whose ListSecrets is refused as IAM refuses it (the emulator has no IAM).
  const denied = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  cleanups.push(() => denied.destroy());
  const described: string[] = [];
  denied.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ListSecretsCommand') throw Object.assign(new Error('not authorized to perform: secretsmanager:ListSecrets'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
      if (context.commandName === 'DescribeSecretCommand') described.push(String((args.input as { SecretId?: string }).SecretId));
      return next(args);
    },
    { step: 'initialize', name: 'denyListSecrets' },
  );
  const w = watcher(a, 'fleet/d/', `keyturn:lock:${randomUUID()}`, { client: denied });
  await w.start();
  await waitFor(() => w.status().mode === 'DescribeSecret' && w.status().watched === 1, 'the DescribeSecret fallback', 5_000, 20);
  const x2 = (await admin.send(new PutSecretValueCommand({ SecretId: 'fleet/d/db', SecretString: 'x2' }))).VersionId!;
  await waitFor(() => b.entries[0].state().versionId === x2, 'instance B to take x2', 10_000, 20);
  expect(new Set(described)).toEqual(new Set(['fleet/d/db']));
  expect(lines.some((l) => /ListSecrets was refused \(AccessDeniedException\)/.test(l))).toBe(true);
});

it('invalid messages are dropped and counted, cost no Secrets Manager call, and their content reaches no log', async () => {
  await createSecret('fleet/i/db', 'i1');
  const channel = `keyturn:test:${randomUUID()}`;
  const b = await instance(['fleet/i/db'], channel);
  const before = fetchCalls(b.source);
  const canary = `canary-${randomUUID()}`;
  const bad = [
    'not json',
    JSON.stringify({ secretId: 'fleet/i/db', versionId: randomUUID(), value: canary }),
    JSON.stringify({ secretId: 'fleet/i/db' }),
    JSON.stringify({ secretId: `fleet/i/db\n${canary}`, versionId: randomUUID() }),
    JSON.stringify({ secretId: 'fleet/i/db', versionId: randomUUID(), origin: canary.repeat(200) }),
    JSON.stringify([canary]),
  ];
  const pipeline = redisAdmin.pipeline();
  for (let i = 0; i < 20; i++) for (const m of bad) pipeline.publish(channel, m);
  // One valid message last: when it has arrived, every invalid one has.
  pipeline.publish(channel, JSON.stringify({ secretId: 'fleet/i/db', versionId: b.entries[0].state().versionId }));
  await pipeline.exec();
  await waitFor(() => b.fleet.stats().received === 1, 'the valid message', 10_000, 20);
  expect(b.fleet.stats()).toMatchObject({ dropped: 120, refreshes: 0 });
  expect(b.store.metrics().fleet.dropped).toBe(120);
  expect(fetchCalls(b.source)).toBe(before);
  expect(lines.join('\n')).not.toContain(canary);
});

it('a flood of 5,000 forged messages costs at most burst + rate × elapsed fetches', async () => {
  const ids = Array.from({ length: 10 }, (_, i) => `fleet/f/s${i}`);
  for (const id of ids) await createSecret(id, 'held');
  const channel = `keyturn:test:${randomUUID()}`;
  const burst = 5;
  const rate = 10;
  const b = await instance(ids, channel, { maxRefreshRate: rate, refreshBurst: burst });
  const before = fetchCalls(b.source);
  const startedAt = Date.now();
  const pipeline = redisAdmin.pipeline();
  for (let i = 0; i < 5_000; i++) pipeline.publish(channel, JSON.stringify({ secretId: ids[i % ids.length], versionId: randomUUID(), origin: 'forger' }));
  await pipeline.exec();
  await waitFor(() => b.fleet.stats().received === 5_000, 'every forged message', 30_000, 20);
  await waitFor(() => b.fleet.stats().deferred === 0 && b.fleet.stats().pending === 0, 'the held-back refreshes', 30_000, 20);
  const elapsedS = (Date.now() - startedAt) / 1000;
  const stats = b.fleet.stats();
  const calls = fetchCalls(b.source) - before;
  const bound = burst + rate * elapsedS;
  console.log(`forged flood: 5000 messages, ${stats.refreshes} refreshes, ${calls} fetch calls in ${elapsedS.toFixed(2)} s (bound ${bound.toFixed(1)}); coalesced ${stats.coalesced}, rate-limited ${stats.rateLimited}`);
  expect(stats.refreshes).toBeLessThanOrEqual(bound);
  expect(calls).toBeLessThanOrEqual(stats.refreshes);
  expect(calls).toBeGreaterThan(0);
  expect(stats.rateLimited).toBeGreaterThan(0);
  expect(stats.coalesced).toBeGreaterThan(0);
  // Nothing changed: every instance still serves the held value.
  for (const id of ids) expect(b.store.states(id)[0].state).toBe('fresh');
});
