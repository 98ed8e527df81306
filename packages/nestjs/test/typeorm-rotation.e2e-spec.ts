import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, startPostgres, testClientConfig, waitFor, type TestEmulator, type PostgresServer } from '@keyturn/testing';
import { inspect } from 'node:util';
import { DataSource } from 'typeorm';
import { CredentialsRejectedError } from '@keyturn/core/connections';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import type { SecretStore } from '@keyturn/core';
import { report, SdkCredentialsSource, SecretRotation, sleep, startLoad, storeCredentials, whileLoadRuns } from './rotation-support.js';

const WORKERS = 8;

class MemoryLogger {
  readonly lines: { at: number; message: string }[] = [];
  log = (message: string) => void this.lines.push({ at: Date.now(), message });
  warn = this.log;
  error = this.log;
  firstAt(pattern: RegExp): number | undefined {
    return this.lines.find((l) => pattern.test(l.message))?.at;
  }
}

describe('TypeORM data source over a rotating PostgreSQL secret', () => {
  let pg: PostgresServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  const dataSources: DataSource[] = [];
  const stores: SecretStore[] = [];

  beforeAll(async () => {
    [pg, emulatorServer] = await Promise.all([startPostgres(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    await Promise.all(dataSources.filter((d) => d.isInitialized).map((d) => d.destroy()));
    await Promise.all(stores.map((s) => s.stop()));
    sm?.destroy();
    await Promise.all([pg?.stop(), emulatorServer?.stop()]);
  });

  /** The real stack: core SecretStore over the SDK, adapted with credentialsFromSecretStore. */
  async function dataSourceFor(secretId: string, applicationName: string, logger: MemoryLogger, budgetMs = 30_000) {
    const { store, source } = await storeCredentials(sm, secretId);
    stores.push(store);
    const options = await typeOrmOptionsFromSecret(
      source,
      { applicationName, extra: { idleTimeoutMillis: 150, max: 10, maxUses: 100 } },
      { logger, retry: { budgetMs } },
    );
    const ds = new DataSource(options);
    dataSources.push(ds);
    await ds.initialize();
    return { ds, source, store };
  }

  const appConnections = async (applicationName: string) =>
    (await pg.sql('select usename from pg_stat_activity where application_name = $1', [applicationName])).rows.map((r) => String(r.usename));

  it('single user: queries issued between setSecret and finishSecret all succeed (AWSPENDING is tried)', async () => {
    await pg.sql(`create role app_single login password 'single-one'`);
    const rotation = new SecretRotation(sm, 'db/single');
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_single', password: 'single-one' };
    await rotation.create(secret);
    const logger = new MemoryLogger();
    const { ds, source, store } = await dataSourceFor('db/single', 'kt-single', logger);
    const state = () => store.states().find((s) => s.secretId === 'db/single')!;

    const load = startLoad(WORKERS, () => ds.query('select 1 as ok'));
    await whileLoadRuns(load.stats, 200);
    // setSecret: the database takes the new password; AWSCURRENT still holds the old one.
    const token = await rotation.putPending({ ...secret, password: 'single-two' });
    const alteredAt = Date.now();
    await pg.sql(`alter role app_single password 'single-two'`);
    await sleep(3_000); // the rotation window, under load
    const windowIssued = load.stats.issued;
    // The store knows the rotation is unfinished: AWSPENDING holds the working credentials.
    expect(state().rotationUnfinished).toEqual({ pendingVersionId: token, since: expect.any(Date) });
    expect(store.metrics().rotationsUnfinished).toBe(1);
    await rotation.finish(token);
    await source.refresh(); // the handle's periodic refresh
    expect(state().rotationUnfinished).toBeUndefined();
    await whileLoadRuns(load.stats, 200);
    const stats = await load.stop();

    const pickedUpAt = logger.firstAt(/accepted credentials .* \(AWSPENDING\)/);
    report('postgres single-user', stats, { windowIssued, pickupMs: pickedUpAt === undefined ? 'n/a' : pickedUpAt - alteredAt });
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(400);
    // The pending path was really exercised: new connections were rejected, then AWSPENDING authenticated.
    expect(pickedUpAt).toBeDefined();
    expect(source.current()).toMatchObject({ versionId: token, stage: 'AWSCURRENT' });
    // A new physical connection after the rotation authenticates with the promoted version.
    expect(await ds.query('select current_user as u')).toEqual([{ u: 'app_single' }]);
  });

  it('alternating users: three rotations in a row, zero failed queries, old connections drain', async () => {
    await pg.sql(`create role app_alt login password 'alt-0'`);
    await pg.sql(`create table alt_items (id serial primary key, note text)`);
    await pg.sql(`grant select, insert on alt_items to app_alt`);
    await pg.sql(`grant usage on sequence alt_items_id_seq to app_alt`);
    const rotation = new SecretRotation(sm, 'db/alternating');
    let secret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_alt', password: 'alt-0' };
    await rotation.create(secret);
    const logger = new MemoryLogger();
    const { ds, source } = await dataSourceFor('db/alternating', 'kt-alt', logger);

    const load = startLoad(WORKERS, (w) =>
      w % 2 === 0 ? ds.query('select count(*) from alt_items') : ds.query('insert into alt_items (note) values ($1)', [`w${w}`]),
    );
    const pickups: number[] = [];
    for (let n = 1; n <= 3; n++) {
      await whileLoadRuns(load.stats, 150);
      const alt = secret.username === 'app_alt' ? 'app_alt_clone' : 'app_alt';
      const password = `alt-${n}`;
      // setSecret as the master user: create the clone on the first rotation, else change the alternate's password.
      const exists = (await pg.sql('select 1 from pg_roles where rolname = $1', [alt])).rows.length > 0;
      if (exists) await pg.sql(`alter role ${alt} password '${password}'`);
      else await pg.sql(`create role ${alt} login password '${password}' in role app_alt`);
      const next = { ...secret, username: alt, password };
      const token = await rotation.putPending(next);
      await rotation.finish(token);
      const refreshedAt = Date.now();
      await source.refresh();
      const old = secret.username;
      secret = next;
      // Connections opened as the previous user are closed when released; the pool moves to the new one.
      await waitFor(async () => {
        const users = await appConnections('kt-alt');
        return users.length > 0 && users.every((u) => u === alt);
      }, `pool of kt-alt to drain ${old}`, 20_000, 50);
      pickups.push(Date.now() - refreshedAt);
    }
    await whileLoadRuns(load.stats, 150);
    const stats = await load.stop();

    report('postgres alternating-users x3', stats, { drainMs: pickups.join('/') });
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(600);
    const inserted = Number((await pg.sql('select count(*) as n from alt_items')).rows[0].n);
    expect(inserted).toBeGreaterThan(0);
  });

  it('wrong credentials that never become right: a clear error after the budget, naming secret and user, never the password', async () => {
    const canary = `canary-${Date.now()}-pw`;
    await pg.sql(`create role app_wrong login password 'the-real-one'`);
    const rotation = new SecretRotation(sm, 'db/wrong');
    await rotation.create({ engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_wrong', password: canary });
    const logger = new MemoryLogger();
    const source = await new SdkCredentialsSource(sm, 'db/wrong').load();
    const options = await typeOrmOptionsFromSecret(source, { extra: { idleTimeoutMillis: 150 } }, { logger, retry: { budgetMs: 1_500 } });
    const ds = new DataSource(options);
    dataSources.push(ds);

    const error = await ds.initialize().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    const rejected = error as CredentialsRejectedError;
    expect(rejected.message).toContain('"db/wrong"');
    expect(rejected.message).toContain('user "app_wrong"');
    expect(rejected.code).toBe('28P01');
    expect(rejected.secretId).toBe('db/wrong');
    for (const text of [rejected.message, inspect(rejected, { depth: 5 }), JSON.stringify(rejected), ...logger.lines.map((l) => l.message)]) {
      expect(text).not.toContain(canary);
    }
    // It did retry (refresh + AWSPENDING lookups) before giving up.
    expect(source.calls.ok).toBeGreaterThan(2);
    expect(inspect(options)).not.toContain(canary);
    expect(JSON.stringify({ ...options, driver: undefined })).not.toContain(canary);
  });
});
