import { CreateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, startPostgres, testClientConfig, type TestEmulator, type PostgresServer } from '@keyturn/testing';
import { createRotationHandler, DEFAULT_EXCLUDE_CHARACTERS, postgresSingleUser, RotationStepError } from '@keyturn/rotation';
import { beginRotation, manualRotation, failure, printable, recordingLogger, rotate, runSteps, secretJson, stages } from './support/rotation-driver';

describe('postgresSingleUser over the emulator and PostgreSQL', () => {
  let emulator: TestEmulator;
  let pg: PostgresServer;
  let client: SecretsManagerClient;
  const logger = recordingLogger();
  const errors: unknown[] = [];
  const seen = new Set<string>();

  const remember = async (secretId: string) => {
    for (const VersionStage of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']) {
      const v = await secretJson(client, secretId, { VersionStage }).catch(() => undefined);
      if (v?.password) seen.add(v.password);
    }
  };
  const createUser = async (user: string, ssl?: boolean) => {
    const password = `initial-${user}-${Date.now()}`;
    seen.add(password);
    await pg.sql(`CREATE USER ${user} WITH LOGIN PASSWORD '${password}'`);
    await pg.sql(`GRANT SELECT ON app_items TO ${user}`);
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, username: user, password, dbname: 'postgres', ...(ssl === undefined ? {} : { ssl }) };
    await client.send(new CreateSecretCommand({ Name: `db/${user}`, SecretString: JSON.stringify(secret) }));
    return { secretId: `db/${user}`, password };
  };

  beforeAll(async () => {
    [emulator, pg] = await Promise.all([startTestEmulator(manualRotation), startPostgres()]);
    client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
    await pg.sql('CREATE TABLE app_items (id int)');
  });
  afterAll(async () => {
    client?.destroy();
    await Promise.all([emulator?.stop(), pg?.stop()]);
  });

  it('rotates the password with every step run twice; the new AWSCURRENT logs in, the old one no longer does', async () => {
    const { secretId, password: initial } = await createUser('app_single');
    const handler = createRotationHandler(postgresSingleUser(), { client, logger });
    const before = await stages(client, secretId);
    const token = await rotate(client, handler, secretId, { twice: true });
    await remember(secretId);

    const current = await secretJson(client, secretId);
    expect(current.username).toBe('app_single');
    expect(current.password).not.toBe(initial);
    expect(current.password).toHaveLength(32);
    for (const ch of DEFAULT_EXCLUDE_CHARACTERS) expect(current.password).not.toContain(ch);
    expect(current.host).toBe(pg.host);
    expect(await pg.canLogin('app_single', current.password)).toBe(true);
    expect(await pg.canLogin('app_single', initial)).toBe(false);

    const after = await stages(client, secretId);
    expect(after[token]).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));
    expect(after[Object.keys(before)[0]]).toEqual(['AWSPREVIOUS']);

    // Steps called again after completion are no-ops.
    await runSteps(handler, secretId, token);
    expect((await secretJson(client, secretId)).password).toBe(current.password);

    // And a second rotation works from the rotated state.
    await rotate(client, handler, secretId);
    await remember(secretId);
    const second = await secretJson(client, secretId);
    expect(second.password).not.toBe(current.password);
    expect(await pg.canLogin('app_single', second.password)).toBe(true);
  });

  it('a setSecret the database refuses leaves AWSCURRENT working; RotateSecret is refused meanwhile; the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_readonly', false);
    const handler = createRotationHandler(postgresSingleUser(), { client, logger });
    await pg.sql('ALTER ROLE app_readonly SET default_transaction_read_only = on');

    const token = await beginRotation(client, secretId);
    await runSteps(handler, secretId, token, { steps: ['createSecret'] });
    await remember(secretId);
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['setSecret'] }));
    errors.push(error);
    expect(error).toBeInstanceOf(RotationStepError);
    expect(error.code).toBe('SetSecretFailed');
    expect(error.message).toContain(secretId);
    expect(error.message).toContain('read-only');
    expect(await pg.canLogin('app_readonly', (await secretJson(client, secretId)).password)).toBe(true);
    expect((await secretJson(client, secretId)).password).toBe(initial);

    const refused = await failure(() => client.send(new RotateSecretCommand({ SecretId: secretId })));
    expect(refused.name).toBe('InvalidRequestException');

    await pg.sql('ALTER ROLE app_readonly RESET default_transaction_read_only');
    await runSteps(handler, secretId, token);
    const current = await secretJson(client, secretId);
    expect(current.password).not.toBe(initial);
    expect(await pg.canLogin('app_readonly', current.password)).toBe(true);
  });

  it('a failing testSecret stops before finishSecret; AWSPENDING already logs in (the single-user window); the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_tested', false);
    const handler = createRotationHandler(postgresSingleUser({ testQuery: 'SELECT count(*) FROM app_items' }), { client, logger });
    await pg.sql('REVOKE SELECT ON app_items FROM app_tested');

    const token = await beginRotation(client, secretId);
    await runSteps(handler, secretId, token, { steps: ['createSecret', 'setSecret'] });
    await remember(secretId);
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['testSecret'] }));
    errors.push(error);
    expect(error.code).toBe('TestSecretFailed');
    expect(error.message).toContain('permission denied');
    expect((await secretJson(client, secretId)).password).toBe(initial);
    const pending = await secretJson(client, secretId, { VersionId: token, VersionStage: 'AWSPENDING' });
    expect(await pg.canLogin('app_tested', pending.password)).toBe(true);
    expect((await stages(client, secretId))[token]).toEqual(['AWSPENDING']);

    await pg.sql('GRANT SELECT ON app_items TO app_tested');
    await runSteps(handler, secretId, token);
    expect((await secretJson(client, secretId)).password).toBe(pending.password);
  });

  it('refuses a pending version whose username differs from AWSCURRENT', async () => {
    const { secretId } = await createUser('app_mismatch', false);
    const handler = createRotationHandler(postgresSingleUser(), { client, logger });
    const token = await beginRotation(client, secretId);
    const { PutSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const current = await secretJson(client, secretId);
    const forged = `forged-${Date.now()}-password`;
    seen.add(forged);
    await client.send(new PutSecretValueCommand({ SecretId: secretId, ClientRequestToken: token, SecretString: JSON.stringify({ ...current, username: 'keyturn_admin', password: forged }), VersionStages: ['AWSPENDING'] }));
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['createSecret', 'setSecret'] }));
    errors.push(error);
    expect(error.name).toBe('SecretShapeError');
    expect(error.key).toBe('username');
    expect(await pg.canLogin('keyturn_admin', pg.superuserPassword)).toBe(true);
  });

  it('never puts a password in a log line or an error (canary)', () => {
    expect(seen.size).toBeGreaterThanOrEqual(6);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    const text = [...logger.lines, ...errors.map(printable)].join('\n');
    expect(text).toContain('setSecret');
    for (const secret of seen) expect(text).not.toContain(secret);
  });
});
