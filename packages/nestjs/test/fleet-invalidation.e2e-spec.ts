/**
 * Push invalidation through SecretsModule over the real path: two Nest applications (two instances
 * of a fleet) on the emulator, a real Redis whose ACL user for the bus is a Keyturn secret, Keyturn's
 * rotating ioredis clients, the elected watcher. Every secret has a one-hour TTL, so only the bus
 * explains a pick-up within the test.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startRedis, startTestEmulator, testClientConfig, waitFor, type RedisServer, type TestEmulator } from '@keyturn/testing';
import { SecretsModule, SecretsService, defineSecret, getSecretToken, type SecretHandle } from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';
import { randomUUID } from 'node:crypto';
import { SecretRotation } from './rotation-support.js';

const HOUR = 3_600_000;
const API = 'fleetnest/api';
const REDIS = 'fleetnest/redis';
const USER = 'fleet_bus';
const apiKey = defineSecret(API, { key: 'apiKey' });

let emulator: TestEmulator;
let redis: RedisServer;
let sm: SecretsManagerClient;
const apps: TestingModule[] = [];

beforeAll(async () => {
  [emulator, redis] = await Promise.all([startTestEmulator(), startRedis()]);
  sm = new SecretsManagerClient(testClientConfig(emulator.endpoint));
});

afterAll(async () => {
  for (const app of apps.splice(0)) await app.close();
  sm?.destroy();
  await Promise.all([emulator?.stop(), redis?.stop()]);
});

@Module({ imports: [TerminusModule, SecretsHealthModule.forRoot({ details: true })] })
class HealthModule {}

async function instance(lockKey: string, channel: string) {
  const app = await Test.createTestingModule({
    imports: [
      SecretsModule.forRoot({
        region: 'us-east-1',
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        ttlMs: HOUR,
        logger: false,
        metrics: { openTelemetry: false },
        invalidation: { redisSecret: defineSecret(REDIS), channel, watcher: { prefix: 'fleetnest/', intervalMs: 150, lockTtlMs: 900, lockKey } },
      }),
      SecretsModule.forFeature(apiKey),
      HealthModule,
    ],
  }).compile();
  apps.push(app);
  await app.init();
  const health = app.get(SecretsHealthIndicator);
  const fleet = () => (health.check('secrets').secrets as { fleet?: { connected?: boolean; leader?: boolean; received: number; published: number; lastMessage?: { secretId: string; versionId: string } } }).fleet;
  await waitFor(() => fleet()?.connected === true, 'the bus to connect', 10_000, 20);
  return { app, handle: app.get<SecretHandle<string>>(getSecretToken(apiKey)), store: app.get(SecretsService).store, fleet };
}

it('two instances: an out-of-band change found by the elected watcher reaches both; the bus keeps working across a rotation of its Redis password', async () => {
  await redis.command('ACL', 'SETUSER', USER, 'on', '>bus-one', '~keyturn:*', '&keyturn:*', '+@all');
  const redisSecret = new SecretRotation(sm, REDIS);
  const busSecret = { host: redis.host, port: redis.port, username: USER, password: 'bus-one' };
  await redisSecret.create(busSecret);
  await sm.send(new CreateSecretCommand({ Name: API, SecretString: JSON.stringify({ apiKey: 'key-1' }) }));
  const lockKey = `keyturn:lock:${randomUUID()}`;
  const channel = `keyturn:invalidate:${randomUUID()}`;
  const a = await instance(lockKey, channel);
  const b = await instance(lockKey, channel);
  expect([a.fleet()?.leader, b.fleet()?.leader].sort()).toEqual([false, true]);
  const [leader] = [a, b].filter((i) => i.fleet()?.leader);

  // 1. An operator puts a new version: the watcher finds it with ListSecrets and both instances take it.
  await new Promise((r) => setTimeout(r, 400)); // the watcher's first pass (its baseline)
  const v2 = (await sm.send(new PutSecretValueCommand({ SecretId: API, SecretString: JSON.stringify({ apiKey: 'key-2' }) }))).VersionId!;
  await waitFor(() => a.handle.get() === 'key-2' && b.handle.get() === 'key-2', 'both instances to take key-2', 10_000, 20);
  expect(leader.store.metrics().fleet.leader).toBe(1);
  expect(leader.store.metrics().apiCalls.ListSecrets).toBeGreaterThan(0);
  const follower = leader === a ? b : a;
  expect(follower.fleet()?.lastMessage).toMatchObject({ secretId: API, versionId: v2 });

  // 2. The bus's Redis password rotates (ElastiCache style: new password added, secret moved, old one removed).
  await redis.command('ACL', 'SETUSER', USER, '>bus-two');
  const token = await redisSecret.putPending({ ...busSecret, password: 'bus-two' });
  await redisSecret.finish(token);
  // The watcher publishes the Redis secret's new version too: every instance takes it.
  await waitFor(() => a.store.states(REDIS)[0]?.versionId === token && b.store.states(REDIS)[0]?.versionId === token, 'both instances to take the new Redis password', 10_000, 20);
  await redis.command('ACL', 'SETUSER', USER, '<bus-one');
  await redis.command('CLIENT', 'KILL', 'USER', USER);
  expect(await redis.canLogin(USER, 'bus-one')).toBe(false);
  await waitFor(async () => Number(((await redis.command('PUBSUB', 'NUMSUB', channel)) as [string, number])[1]) === 2, 'both subscribers to subscribe again with the new password', 10_000, 20);

  // 3. Messages still flow: the next out-of-band change reaches both instances.
  await sm.send(new PutSecretValueCommand({ SecretId: API, SecretString: JSON.stringify({ apiKey: 'key-3' }) }));
  await waitFor(() => a.handle.get() === 'key-3' && b.handle.get() === 'key-3', 'both instances to take key-3 after the password rotation', 15_000, 20);
  expect(a.fleet()?.connected && b.fleet()?.connected).toBe(true);
  expect(JSON.stringify(a.app.get(SecretsHealthIndicator).check('secrets'))).not.toMatch(/bus-one|bus-two|key-3/);
});
