import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto, startPostgres, testClientConfig, type MotoServer, type PostgresServer } from '@keyturn/testing';
import { DataSource } from 'typeorm';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import type { SecretStore } from '@keyturn/core';
import { report, SecretRotation, startLoad, storeCredentials, whileLoadRuns } from './rotation-support.js';

describe('Secrets Manager unavailable during a rotation', () => {
  let pg: PostgresServer;
  let moto: MotoServer;
  let sm: SecretsManagerClient;
  let ds: DataSource | undefined;
  let store: SecretStore | undefined;

  beforeAll(async () => {
    [pg, moto] = await Promise.all([startPostgres(), startMoto()]);
    sm = new SecretsManagerClient(testClientConfig(moto.endpoint));
  });

  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await store?.stop();
    sm?.destroy();
    await Promise.all([pg?.stop(), moto?.stop()]);
  });

  it('keeps serving with the credentials it has, and recovers when the endpoint returns', async () => {
    await pg.sql(`create role app_outage login password 'outage-one'`);
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_outage', password: 'outage-one' };
    await new SecretRotation(sm, 'db/outage').create(secret);
    const stack = await storeCredentials(sm, 'db/outage');
    store = stack.store;
    const source = stack.source;
    const warnings: string[] = [];
    const logger = { log: () => undefined, warn: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m) };
    ds = new DataSource(
      await typeOrmOptionsFromSecret(source, { extra: { idleTimeoutMillis: 150, max: 10, maxUses: 100 } }, { logger, retry: { budgetMs: 30_000 } }),
    );
    await ds.initialize();
    const load = startLoad(8, () => ds!.query('select 1'));
    await whileLoadRuns(load.stats, 200);

    // The endpoint goes away: refreshes fail, new connections keep using the cached credentials.
    await moto.stop();
    await expect(source.refresh()).rejects.toThrow();
    await whileLoadRuns(load.stats, 500);
    const failedDuringOutage = load.stats.failed;

    // The database password rotates while Secrets Manager is still down: new connections are rejected
    // and wait (refresh and AWSPENDING reads fail), queries queue instead of failing.
    await pg.sql(`alter role app_outage password 'outage-two'`);
    const rotatedAt = Date.now();
    const issuedBefore = load.stats.issued;
    // The endpoint returns (moto restarts empty) with the rotated secret as AWSCURRENT.
    await moto.restart();
    await new SecretRotation(sm, 'db/outage').create({ ...secret, password: 'outage-two' });
    await whileLoadRuns(load.stats, 500, 30_000);
    const recoveredMs = Date.now() - rotatedAt;
    const stats = await load.stop();

    report('postgres with Secrets Manager down', stats, { failedDuringOutage, recoveredMs });
    expect(failedDuringOutage).toBe(0);
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(issuedBefore);
    expect(store.states()[0]).toMatchObject({ secretId: 'db/outage', state: 'fresh' });
    expect(warnings.some((w) => w.includes('could not refresh secret "db/outage"'))).toBe(true);
    expect(JSON.parse(source.current().value)).toMatchObject({ username: 'app_outage' });
  });
});
