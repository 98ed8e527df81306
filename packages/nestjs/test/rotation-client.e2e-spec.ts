import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SecretStore } from '@keyturn/core';
import { startTestEmulator, startPostgres, testClientConfig, waitFor, type TestEmulator, type PostgresServer } from '@keyturn/testing';
import { Pool } from 'pg';
import { createRotatingClient, type ClientSwapEvent, type RotatingClient } from '@keyturn/core/connections';
import { report, SecretRotation, startLoad, storeCredentials, whileLoadRuns } from './rotation-support.js';

describe('RotatingClient rebuilding a client when its secret rotates', () => {
  let pg: PostgresServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  let store: SecretStore | undefined;
  let rotating: RotatingClient<Pool, string> | undefined;

  beforeAll(async () => {
    [pg, emulatorServer] = await Promise.all([startPostgres(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    await rotating?.close();
    await store?.stop();
    sm?.destroy();
    await Promise.all([pg?.stop(), emulatorServer?.stop()]);
  });

  it('new work goes to the new client, in-flight work finishes on the old one, which is then disposed', async () => {
    await pg.sql(`create role app_rc login password 'rc-one'`);
    await pg.sql(`create role app_rc_clone login password 'rc-two' in role app_rc`);
    const rotation = new SecretRotation(sm, 'db/rebuilt');
    const secret = { host: pg.host, port: pg.port, dbname: 'postgres', username: 'app_rc', password: 'rc-one' };
    await rotation.create(secret);
    const stack = await storeCredentials(sm, 'db/rebuilt');
    store = stack.store;
    const built: Pool[] = [];
    const disposed: Pool[] = [];
    rotating = await createRotatingClient<Pool, string>(stack.source, {
      create: (text) => {
        const s = JSON.parse(text) as typeof secret;
        const pool = new Pool({ host: s.host, port: s.port, database: s.dbname, user: s.username, password: s.password, max: 4 });
        // As in any application: an idle client's error (e.g. the server shutting down) must not crash the process.
        pool.on('error', () => undefined);
        built.push(pool);
        return pool;
      },
      dispose: async (pool) => {
        disposed.push(pool);
        await pool.end();
      },
    });
    const swaps: ClientSwapEvent[] = [];
    rotating.onSwap((e) => swaps.push(e));
    const client = rotating;

    const load = startLoad(8, () => client.use((pool) => pool.query('select current_user as u')));
    await whileLoadRuns(load.stats, 200);
    // Work that is still running when the secret rotates.
    const slow = client.use((pool) => pool.query<{ u: string }>('select pg_sleep(0.5), current_user as u'));

    const token = await rotation.putPending({ ...secret, username: 'app_rc_clone', password: 'rc-two' });
    await rotation.finish(token);
    const rotatedAt = Date.now();
    await stack.store.refresh('db/rebuilt', { force: true }); // the periodic refresh
    await waitFor(() => client.versionId === token, 'the new client to take over', 10_000, 10);
    const swapMs = Date.now() - rotatedAt;

    expect(disposed).toEqual([]); // the old pool still has the slow query leased
    expect((await slow).rows[0].u).toBe('app_rc');
    await waitFor(() => disposed.length === 1, 'the old client to be disposed after drain', 10_000, 10);
    expect(disposed[0]).toBe(built[0]);
    await whileLoadRuns(load.stats, 200);
    const stats = await load.stop();

    report('RotatingClient (pg.Pool rebuilt on rotation)', stats, { swapMs });
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(swaps).toEqual([expect.objectContaining({ secretId: 'db/rebuilt', versionId: token, mode: 'rebuilt' })]);
    expect((await client.use((pool) => pool.query('select current_user as u'))).rows[0].u).toBe('app_rc_clone');
    expect(built).toHaveLength(2);
  });
});
