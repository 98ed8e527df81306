import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '@keyturn/core';
import { startTestEmulator, waitFor, startPostgres, startRedis, testClientConfig, type TestEmulator, type PostgresServer, type RedisServer } from '@keyturn/testing';
import { DataSource } from 'typeorm';
import { createRotatingRedis, type RotatingRedis } from '@keyturn/core/connections';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import { report, SecretRotation, startLoad, storeCredentials, whileLoadRuns } from './rotation-support.js';

describe('Secrets Manager unavailable during a rotation', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  let ds: DataSource | undefined;
  let cache: RotatingRedis | undefined;
  const stores: SecretStore[] = [];

  beforeAll(async () => {
    [pg, redis, emulatorServer] = await Promise.all([startPostgres(), startRedis(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await cache?.close();
    await Promise.all(stores.map((s) => s.stop()));
    sm?.destroy();
    await Promise.all([pg?.stop(), redis?.stop(), emulatorServer?.stop()]);
  });

  it('keeps serving with the credentials it has, and recovers when the endpoint returns', async () => {
    await pg.sql(`create role app_outage login password 'outage-one'`);
    await redis.command('ACL', 'SETUSER', 'app_outage', 'on', '>cache-one', '~*', '+@all');
    const dbSecret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_outage', password: 'outage-one' };
    const cacheSecret = { host: redis.host, port: redis.port, username: 'app_outage', password: 'cache-one' };
    await new SecretRotation(sm, 'db/outage').create(dbSecret);
    await new SecretRotation(sm, 'cache/outage').create(cacheSecret);
    const db = await storeCredentials(sm, 'db/outage');
    const kv = await storeCredentials(sm, 'cache/outage');
    stores.push(db.store, kv.store);
    const warnings: string[] = [];
    const logger = { log: () => undefined, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    ds = new DataSource(
      await typeOrmOptionsFromSecret(db.source, { extra: { idleTimeoutMillis: 150, max: 10, maxUses: 100 } }, { logger, retry: { budgetMs: 30_000 } }),
    );
    await ds.initialize();
    cache = await createRotatingRedis(kv.source, { logger, retry: { budgetMs: 30_000 } });
    const client = cache.client;
    const load = startLoad(8, (w) => (w % 2 === 0 ? ds!.query('select 1') : client.incr(`outage:${w}`)));
    await whileLoadRuns(load.stats, 200);

    // The endpoint goes away: refreshes fail, new connections keep using the cached credentials.
    await emulatorServer.stop();
    await expect(db.source.refresh()).rejects.toThrow();
    await redis.command('CLIENT', 'KILL', 'USER', 'app_outage'); // Redis reconnects with what it has
    await whileLoadRuns(load.stats, 500);
    const failedDuringOutage = load.stats.failed;

    // The passwords rotate while Secrets Manager is still down: new connections are rejected and
    // wait (refresh and AWSPENDING reads fail); queries and commands queue instead of failing.
    await pg.sql(`alter role app_outage password 'outage-two'`);
    await redis.command('ACL', 'SETUSER', 'app_outage', 'resetpass', '>cache-two');
    await redis.command('CLIENT', 'KILL', 'USER', 'app_outage');
    const rotatedAt = Date.now();
    const issuedBefore = load.stats.issued;
    // Both clients have seen their credentials rejected and failed to refresh while the endpoint is down.
    await waitFor(
      () => ['db/outage', 'cache/outage'].every((id) => warnings.some((w) => w.includes(`could not refresh secret "${id}"`))),
      'both refresh failures while Secrets Manager is down',
      30_000,
      20,
    );
    // The endpoint returns (the emulator restarts empty) with the rotated secrets as AWSCURRENT.
    await emulatorServer.restart();
    await new SecretRotation(sm, 'db/outage').create({ ...dbSecret, password: 'outage-two' });
    await new SecretRotation(sm, 'cache/outage').create({ ...cacheSecret, password: 'cache-two' });
    await whileLoadRuns(load.stats, 500, 30_000);
    const recoveredMs = Date.now() - rotatedAt;
    const stats = await load.stop();

    report('postgres + redis with Secrets Manager down', stats, { failedDuringOutage, recoveredMs });
    expect(failedDuringOutage).toBe(0);
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(issuedBefore);
    expect(warnings.some((w) => w.includes('could not refresh secret "db/outage"'))).toBe(true);
    expect(warnings.some((w) => w.includes('could not refresh secret "cache/outage"'))).toBe(true);
    expect(db.store.states()[0]).toMatchObject({ secretId: 'db/outage', state: 'fresh' });
    expect(await client.call('ACL', 'WHOAMI')).toBe('app_outage');
    expect(await ds.query('select current_user as u')).toEqual([{ u: 'app_outage' }]);
  });
});
