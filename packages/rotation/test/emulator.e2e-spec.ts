import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { createRotationHandler, postgresAlternatingUsers, postgresSingleUser, redisAclUser, RotationGuardError } from '@keyturn/rotation';
import { startPostgres, startRedis, testClientConfig, waitFor, type PostgresServer, type RedisServer } from '@keyturn/testing';
import { failure, printable, recordingLogger, secretJson, stages } from './support/rotation-driver';

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const LONG = { AutomaticallyAfterDays: 1000 }; // far beyond the test, even with the sped-up clock

describe('rotation handlers driven by the emulator RotateSecret', () => {
  let emulator: EmulatorServer;
  let pg: PostgresServer;
  let redis: RedisServer;
  let client: SecretsManagerClient;
  const logger = recordingLogger();
  const seen = new Set<string>();
  const ENV_KEYS = ['SECRETS_MANAGER_ENDPOINT', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'KEY_NAMES', 'KEY_ENCODING', 'KEY_LENGTH'];
  const envBefore = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const consoleLines: string[] = [];
  const errors: unknown[] = [];

  const remember = async (secretId: string, key = 'password') => {
    for (const VersionStage of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']) {
      const v = await secretJson(client, secretId, { VersionStage }).catch(() => undefined);
      if (typeof v?.[key] === 'string') seen.add(v[key]);
    }
  };

  beforeAll(async () => {
    [emulator, pg, redis] = await Promise.all([startEmulator({ rotationTimeScale: 86_400, logger: false }), startPostgres(), startRedis()]);
    client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
    emulator.registerRotationHandler(lambda('pg-single'), createRotationHandler(postgresSingleUser(), { client, logger }));
    emulator.registerRotationHandler(lambda('pg-alt'), createRotationHandler(postgresAlternatingUsers(), { client, logger }));
    emulator.registerRotationHandler(lambda('redis-acl'), createRotationHandler(redisAclUser(), { client, logger }));
    emulator.registerRotationHandler(lambda('redis-acl-probe'), createRotationHandler(redisAclUser({ testCommand: ['GET', 'probe:health'] }), { client, logger }));
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    for (const [k, v] of Object.entries(envBefore)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    client?.destroy();
    await Promise.all([emulator?.stop(), pg?.stop(), redis?.stop()]);
  });

  it('RotateSecret rotates a local PostgreSQL password through postgresSingleUser', async () => {
    const initial = `pg-initial-${Date.now()}`;
    seen.add(initial);
    await pg.sql(`CREATE USER emu_app WITH LOGIN PASSWORD '${initial}'`);
    await client.send(
      new CreateSecretCommand({ Name: 'emu/db', SecretString: JSON.stringify({ engine: 'postgres', host: pg.host, port: pg.port, username: 'emu_app', password: initial, ssl: false }) }),
    );
    const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: 'emu/db', RotationLambdaARN: lambda('pg-single'), RotationRules: LONG }));
    const outcome = await emulator.waitForRotation('emu/db', { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ status: 'succeeded', versionId: VersionId, completedSteps: ['createSecret', 'setSecret', 'testSecret', 'finishSecret'] });
    await remember('emu/db');
    const current = await secretJson(client, 'emu/db');
    expect(current.password).not.toBe(initial);
    expect(await pg.canLogin('emu_app', current.password)).toBe(true);
    expect(await pg.canLogin('emu_app', initial)).toBe(false);
    expect((await stages(client, 'emu/db'))[VersionId!]).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));
  });

  it('RotateSecret alternates PostgreSQL users through postgresAlternatingUsers; both work after each rotation', async () => {
    const initial = `pg-alt-${Date.now()}`;
    seen.add(initial).add(pg.superuserPassword);
    await pg.sql(`CREATE USER emu_alt WITH LOGIN PASSWORD '${initial}'`);
    const base = { engine: 'postgres', host: pg.host, port: pg.port, ssl: false };
    await client.send(new CreateSecretCommand({ Name: 'emu/master', SecretString: JSON.stringify({ ...base, username: pg.superuser, password: pg.superuserPassword }) }));
    await client.send(new CreateSecretCommand({ Name: 'emu/alt', SecretString: JSON.stringify({ ...base, username: 'emu_alt', password: initial, masterarn: 'emu/master' }) }));
    await client.send(new RotateSecretCommand({ SecretId: 'emu/alt', RotationLambdaARN: lambda('pg-alt'), RotationRules: LONG }));
    expect((await emulator.waitForRotation('emu/alt', { timeoutMs: 20_000 })).status).toBe('succeeded');
    const first = await secretJson(client, 'emu/alt');
    seen.add(first.password);
    expect(first.username).toBe('emu_alt_clone');
    expect(await pg.canLogin('emu_alt_clone', first.password)).toBe(true);
    expect(await pg.canLogin('emu_alt', initial)).toBe(true);

    await client.send(new RotateSecretCommand({ SecretId: 'emu/alt' }));
    expect((await emulator.waitForRotation('emu/alt', { timeoutMs: 20_000 })).status).toBe('succeeded');
    const second = await secretJson(client, 'emu/alt');
    seen.add(second.password);
    expect(second.username).toBe('emu_alt');
    expect(await pg.canLogin('emu_alt', second.password)).toBe(true);
    expect(await pg.canLogin('emu_alt_clone', first.password)).toBe(true);
    expect(await pg.canLogin('emu_alt', initial)).toBe(false);
  });

  it('RotateImmediately=false only tests the configuration: testSecret logs in with AWSCURRENT and nothing changes', async () => {
    const initial = `pg-config-${Date.now()}`;
    seen.add(initial);
    await pg.sql(`CREATE USER emu_config WITH LOGIN PASSWORD '${initial}'`);
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, username: 'emu_config', password: initial, ssl: false };
    await client.send(new CreateSecretCommand({ Name: 'emu/config', SecretString: JSON.stringify(secret) }));
    const { VersionId } = await client.send(
      new RotateSecretCommand({ SecretId: 'emu/config', RotationLambdaARN: lambda('pg-single'), RotationRules: LONG, RotateImmediately: false }),
    );
    expect(await emulator.waitForRotation('emu/config', { timeoutMs: 20_000 })).toMatchObject({ status: 'succeeded', mode: 'test', completedSteps: ['testSecret'] });
    expect((await secretJson(client, 'emu/config')).password).toBe(initial);
    expect((await stages(client, 'emu/config'))[VersionId!]).toBeUndefined();
    expect(await pg.canLogin('emu_config', initial)).toBe(true);

    // A configuration whose credentials do not work fails the test.
    await pg.sql("ALTER USER emu_config WITH PASSWORD 'changed-behind-the-secret'");
    await client.send(new RotateSecretCommand({ SecretId: 'emu/config', RotateImmediately: false }));
    const failed = await emulator.waitForRotation('emu/config', { timeoutMs: 20_000 });
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'testSecret' });
    expect(failed.error?.message).toContain('emu/config');
  });

  it('RotateSecret rotates a local Redis ACL password; old and new both log in until the next rotation', async () => {
    const adminPassword = `emu-admin-${Date.now()}`;
    const initial = `redis-initial-${Date.now()}`;
    seen.add(adminPassword).add(initial);
    await redis.command('ACL', 'SETUSER', 'emu_admin', 'on', `>${adminPassword}`, '+acl', '+@connection');
    await redis.command('ACL', 'SETUSER', 'emu_cache', 'on', `>${initial}`, '~emu:*', '+@read', '+@write', '+@connection');
    await client.send(new CreateSecretCommand({ Name: 'emu/redis-admin', SecretString: JSON.stringify({ username: 'emu_admin', password: adminPassword }) }));
    await client.send(
      new CreateSecretCommand({ Name: 'emu/cache', SecretString: JSON.stringify({ host: redis.host, port: redis.port, username: 'emu_cache', password: initial, adminArn: 'emu/redis-admin' }) }),
    );
    await client.send(new RotateSecretCommand({ SecretId: 'emu/cache', RotationLambdaARN: lambda('redis-acl'), RotationRules: LONG }));
    expect((await emulator.waitForRotation('emu/cache', { timeoutMs: 20_000 })).status).toBe('succeeded');
    const first = await secretJson(client, 'emu/cache');
    seen.add(first.password);
    expect(await redis.canLogin('emu_cache', first.password)).toBe(true);
    expect(await redis.canLogin('emu_cache', initial)).toBe(true);

    await client.send(new RotateSecretCommand({ SecretId: 'emu/cache' }));
    expect((await emulator.waitForRotation('emu/cache', { timeoutMs: 20_000 })).status).toBe('succeeded');
    const second = await secretJson(client, 'emu/cache');
    seen.add(second.password);
    expect(await redis.canLogin('emu_cache', second.password)).toBe(true);
    expect(await redis.canLogin('emu_cache', first.password)).toBe(true);
    expect(await redis.canLogin('emu_cache', initial)).toBe(false);
  });

  it('a failed rotation keeps AWSCURRENT working, RotateSecret is refused while it is unfinished, CancelRotateSecret disables the steps, and a later rotation completes', async () => {
    const adminPassword = `probe-admin-${Date.now()}`;
    const initial = `probe-initial-${Date.now()}`;
    seen.add(adminPassword).add(initial);
    await redis.command('ACL', 'SETUSER', 'probe_admin', 'on', `>${adminPassword}`, '+acl', '+@connection');
    await redis.command('ACL', 'SETUSER', 'probe', 'on', `>${initial}`, '~probe:*', '+@connection', '+set');
    await client.send(new CreateSecretCommand({ Name: 'emu/probe-admin', SecretString: JSON.stringify({ username: 'probe_admin', password: adminPassword }) }));
    await client.send(
      new CreateSecretCommand({ Name: 'emu/probe', SecretString: JSON.stringify({ host: redis.host, port: redis.port, username: 'probe', password: initial, adminArn: 'emu/probe-admin' }) }),
    );
    const { VersionId: failed } = await client.send(new RotateSecretCommand({ SecretId: 'emu/probe', RotationLambdaARN: lambda('redis-acl-probe'), RotationRules: LONG }));
    const outcome = await emulator.waitForRotation('emu/probe', { timeoutMs: 20_000 });
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'testSecret', completedSteps: ['createSecret', 'setSecret'] });
    expect(outcome.error?.message).toContain('NOPERM');
    errors.push(outcome.error);
    await remember('emu/probe');
    expect((await secretJson(client, 'emu/probe')).password).toBe(initial);
    expect(await redis.canLogin('probe', initial)).toBe(true);

    const refused = await failure(() => client.send(new RotateSecretCommand({ SecretId: 'emu/probe' })));
    expect(refused.name).toBe('InvalidRequestException');

    await client.send(new CancelRotateSecretCommand({ SecretId: 'emu/probe' }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: 'emu/probe' }))).RotationEnabled).toBe(false);
    const handler = createRotationHandler(redisAclUser(), { client, logger });
    const disabled = await failure(() => handler({ SecretId: 'emu/probe', ClientRequestToken: failed!, Step: 'testSecret' }));
    expect(disabled).toBeInstanceOf(RotationGuardError);
    expect(disabled.code).toBe('RotationDisabled');
    errors.push(disabled);

    // The operator fixes the cause and clears the unfinished version; the next rotation completes.
    await redis.command('ACL', 'SETUSER', 'probe', '+get');
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: 'emu/probe', VersionStage: 'AWSPENDING', RemoveFromVersionId: failed }));
    const { VersionId } = await client.send(new RotateSecretCommand({ SecretId: 'emu/probe', RotationLambdaARN: lambda('redis-acl-probe'), RotationRules: LONG }));
    expect((await emulator.waitForRotation('emu/probe', { timeoutMs: 20_000 })).status).toBe('succeeded');
    const current = await secretJson(client, 'emu/probe');
    seen.add(current.password);
    expect((await stages(client, 'emu/probe'))[VersionId!]).toEqual(expect.arrayContaining(['AWSCURRENT']));
    expect(await redis.canLogin('probe', current.password)).toBe(true);
    expect(await redis.canLogin('probe', initial)).toBe(true);
  });

  it('a scheduled rotation runs the random-key Lambda entry (configured by environment) on the sped-up clock', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void consoleLines.push(String(line)));
    jest.spyOn(console, 'error').mockImplementation((line: unknown) => void consoleLines.push(String(line)));
    Object.assign(process.env, {
      SECRETS_MANAGER_ENDPOINT: emulator.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      KEY_NAMES: 'signingKey',
      KEY_ENCODING: 'hex',
      KEY_LENGTH: '64',
    });
    // Registered by module name, as with the emulator's --rotation-handler option.
    emulator.registerRotationHandler(lambda('random-key'), '@keyturn/rotation/lambda/random-key');
    await client.send(new CreateSecretCommand({ Name: 'emu/jwt', SecretString: JSON.stringify({ signingKey: 'initial-signing-key', issuer: 'keyturn' }) }));
    seen.add('initial-signing-key');
    // One day lasts a second: the schedule keeps rotating with no further RotateSecret call.
    await client.send(new RotateSecretCommand({ SecretId: 'emu/jwt', RotationLambdaARN: lambda('random-key'), RotationRules: { AutomaticallyAfterDays: 1 } }));
    const versions = new Set<string>();
    await waitFor(async () => {
      const out = await client.send(new GetSecretValueCommand({ SecretId: 'emu/jwt' }));
      const value = JSON.parse(out.SecretString!);
      if (value.signingKey !== 'initial-signing-key') {
        expect(value.signingKey).toMatch(/^[0-9a-f]{64}$/);
        expect(value.issuer).toBe('keyturn');
        seen.add(value.signingKey);
        versions.add(out.VersionId!);
      }
      return versions.size >= 3;
    }, 'three scheduled rotations', 20_000, 100);
    await client.send(new CancelRotateSecretCommand({ SecretId: 'emu/jwt' }));
    await emulator.waitForRotation('emu/jwt', { timeoutMs: 10_000 }).catch(() => undefined);
    await remember('emu/jwt', 'signingKey');
    expect(log).toHaveBeenCalled();
    expect(consoleLines.join('\n')).toContain('finishSecret');
  });

  it('never puts a password or key in a log line, console output or the failed outcome (canary)', () => {
    expect(seen.size).toBeGreaterThanOrEqual(10);
    expect(errors).toHaveLength(2);
    const text = [...logger.lines, ...consoleLines, ...errors.map(printable)].join('\n');
    expect(text).toContain('setSecret');
    for (const secret of seen) expect(text).not.toContain(secret);
  });

  it('keeps values out of printable errors too', async () => {
    const handler = createRotationHandler(redisAclUser(), { client, logger });
    const err = await failure(() => handler({ SecretId: 'emu/cache', ClientRequestToken: 'not-a-version-0000000000000000000000', Step: 'setSecret' }));
    const text = printable(err);
    expect(text).toContain('emu/cache');
    for (const secret of seen) expect(text).not.toContain(secret);
  });
});
