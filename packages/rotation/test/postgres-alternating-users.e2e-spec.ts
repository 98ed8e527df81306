import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, startPostgres, testClientConfig, type TestEmulator, type PostgresServer } from '@keyturn/testing';
import { alternateUsername, createRotationHandler, postgresAlternatingUsers, RotationStepError } from '@keyturn/rotation';
import { Client } from 'pg';
import { beginRotation, manualRotation, failure, printable, recordingLogger, rotate, runSteps, secretJson, stages } from './support/rotation-driver';

describe('postgresAlternatingUsers over the emulator and PostgreSQL', () => {
  let emulator: TestEmulator;
  let pg: PostgresServer;
  let client: SecretsManagerClient;
  const logger = recordingLogger();
  const errors: unknown[] = [];
  const seen = new Set<string>();
  const masterId = 'db/rotation-master';
  const masterPassword = `master-${Date.now()}-pw`;

  const query = async (user: string, password: string, sql = 'SELECT count(*) AS n FROM app_orders') => {
    const c = new Client({ host: pg.host, port: pg.port, user, password, database: 'postgres' });
    try {
      await c.connect();
      return (await c.query(sql)).rows;
    } finally {
      await c.end().catch(() => undefined);
    }
  };
  const works = (user: string, password: string) => query(user, password).then(() => true, () => false);
  const remember = async (secretId: string) => {
    for (const VersionStage of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']) {
      const v = await secretJson(client, secretId, { VersionStage }).catch(() => undefined);
      if (v?.password) seen.add(v.password);
    }
  };
  const createUser = async (user: string) => {
    const password = `initial-${user}-${Date.now()}`;
    seen.add(password);
    await pg.sql(`CREATE USER ${user} WITH LOGIN PASSWORD '${password}'`);
    await pg.sql(`GRANT SELECT ON app_orders TO ${user}`);
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, username: user, password, dbname: 'postgres', ssl: false, masterarn: masterId };
    await client.send(new CreateSecretCommand({ Name: `db/${user}`, SecretString: JSON.stringify(secret) }));
    return { secretId: `db/${user}`, password };
  };

  beforeAll(async () => {
    [emulator, pg] = await Promise.all([startTestEmulator(manualRotation), startPostgres()]);
    client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
    seen.add(masterPassword);
    await pg.sql(`CREATE ROLE rotation_master WITH LOGIN SUPERUSER PASSWORD '${masterPassword}'`);
    await pg.sql('CREATE TABLE app_orders (id int)');
    await client.send(
      new CreateSecretCommand({
        Name: masterId,
        SecretString: JSON.stringify({ engine: 'postgres', host: pg.host, port: pg.port, username: 'rotation_master', password: masterPassword, ssl: false }),
      }),
    );
  });
  afterAll(async () => {
    client?.destroy();
    await Promise.all([emulator?.stop(), pg?.stop()]);
  });

  it('names the alternate user', () => {
    expect(alternateUsername('app')).toBe('app_clone');
    expect(alternateUsername('app_clone')).toBe('app');
  });

  it('creates <user>_clone with the grants of <user>, then alternates; after each rotation both users work', async () => {
    const { secretId, password: initial } = await createUser('app_alt');
    const handler = createRotationHandler(postgresAlternatingUsers(), { client, logger });

    await rotate(client, handler, secretId, { twice: true });
    await remember(secretId);
    const first = await secretJson(client, secretId);
    expect(first.username).toBe('app_alt_clone');
    expect(first.masterarn).toBe(masterId);
    expect(await query('app_alt_clone', first.password)).toEqual([{ n: '0' }]);
    expect(await works('app_alt', initial)).toBe(true);
    const previous = await secretJson(client, secretId, { VersionStage: 'AWSPREVIOUS' });
    expect(previous.username).toBe('app_alt');
    const members = await pg.sql("SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'app_alt_clone'");
    expect(members.rows).toEqual([{ rolname: 'app_alt' }]);

    await rotate(client, handler, secretId, { twice: true });
    await remember(secretId);
    const second = await secretJson(client, secretId);
    expect(second.username).toBe('app_alt');
    expect(second.password).not.toBe(initial);
    expect(await works('app_alt', second.password)).toBe(true);
    expect(await works('app_alt_clone', first.password)).toBe(true);
    expect(await works('app_alt', initial)).toBe(false);

    await rotate(client, handler, secretId);
    await remember(secretId);
    const third = await secretJson(client, secretId);
    expect(third.username).toBe('app_alt_clone');
    expect(await works('app_alt_clone', third.password)).toBe(true);
    expect(await works('app_alt', second.password)).toBe(true);
    expect(await works('app_alt_clone', first.password)).toBe(false);
  });

  it('a superuser that cannot log in fails setSecret, AWSCURRENT keeps working, and the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_nomaster');
    const handler = createRotationHandler(postgresAlternatingUsers(), { client, logger });
    await pg.sql('ALTER ROLE rotation_master NOLOGIN');
    const token = await beginRotation(client, secretId);
    try {
      await runSteps(handler, secretId, token, { steps: ['createSecret'] });
      await remember(secretId);
      const error = await failure(() => runSteps(handler, secretId, token, { steps: ['setSecret'] }));
      errors.push(error);
      expect(error).toBeInstanceOf(RotationStepError);
      expect(error.code).toBe('LoginFailed');
      expect(error.message).toContain(masterId);
      expect(error.message).toContain('not permitted to log in');
    } finally {
      await pg.sql('ALTER ROLE rotation_master LOGIN');
    }
    expect(await works('app_nomaster', initial)).toBe(true);
    expect((await secretJson(client, secretId)).password).toBe(initial);
    await runSteps(handler, secretId, token);
    const current = await secretJson(client, secretId);
    expect(current.username).toBe('app_nomaster_clone');
    expect(await works('app_nomaster_clone', current.password)).toBe(true);
  });

  it('a failing testSecret leaves AWSCURRENT untouched and working; the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_denied');
    const handler = createRotationHandler(postgresAlternatingUsers({ testQuery: 'SELECT count(*) FROM app_orders' }), { client, logger });
    const token = await beginRotation(client, secretId);
    await runSteps(handler, secretId, token, { steps: ['createSecret', 'setSecret'] });
    await remember(secretId);
    await pg.sql('REVOKE SELECT ON app_orders FROM app_denied');
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['testSecret'] }));
    errors.push(error);
    expect(error.code).toBe('TestSecretFailed');
    expect(await works('app_denied', initial)).toBe(false); // no SELECT any more, but:
    expect(await query('app_denied', initial, 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect((await secretJson(client, secretId)).username).toBe('app_denied');

    await pg.sql('GRANT SELECT ON app_orders TO app_denied');
    await runSteps(handler, secretId, token, { twice: true });
    const current = await secretJson(client, secretId);
    expect(current.username).toBe('app_denied_clone');
    expect(await works('app_denied_clone', current.password)).toBe(true);
    expect(await works('app_denied', initial)).toBe(true);
  });

  it('refuses a username whose clone would exceed 63 characters', async () => {
    const long = 'u'.repeat(60);
    await client.send(
      new CreateSecretCommand({ Name: 'db/long', SecretString: JSON.stringify({ host: pg.host, port: pg.port, username: long, password: 'long-user-password', masterarn: masterId }) }),
    );
    const handler = createRotationHandler(postgresAlternatingUsers(), { client, logger });
    const token = await beginRotation(client, 'db/long');
    const error = await failure(() => runSteps(handler, 'db/long', token, { steps: ['createSecret'] }));
    expect(error.name).toBe('SecretShapeError');
    expect(error.message).toContain('63');
    expect((await stages(client, 'db/long'))[token]).toEqual(['AWSPENDING']);
  });

  it('never puts a password in a log line or an error (canary)', () => {
    expect(errors.length).toBeGreaterThanOrEqual(2);
    const text = [...logger.lines, ...errors.map(printable)].join('\n');
    expect(text).toContain('alternate user created');
    for (const secret of seen) expect(text).not.toContain(secret);
  });
});
