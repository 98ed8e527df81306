import { CreateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, startRedis, testClientConfig, type TestEmulator, type RedisServer } from '@keyturn/testing';
import { createRotationHandler, redisAclUser, RotationStepError } from '@keyturn/rotation';
import { Redis } from 'ioredis';
import { beginRotation, manualRotation, failure, printable, recordingLogger, rotate, runSteps, secretJson } from './support/rotation-driver';

describe('redisAclUser over the emulator and Redis', () => {
  let emulator: TestEmulator;
  let redis: RedisServer;
  let client: SecretsManagerClient;
  const logger = recordingLogger();
  const errors: unknown[] = [];
  const seen = new Set<string>();
  const adminId = 'cache/rotation-admin';
  const adminPassword = `rot-admin-${Date.now()}-pw`;
  const open: Redis[] = [];

  const connect = async (username: string, password: string) => {
    const r = new Redis({ host: redis.host, port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, enableReadyCheck: false, retryStrategy: () => null });
    r.on('error', () => undefined);
    try {
      await r.connect();
      await r.call('AUTH', username, password);
    } catch (e) {
      r.disconnect();
      throw e;
    }
    return r;
  };
  const works = async (username: string, password: string) => {
    try {
      const r = await connect(username, password);
      r.disconnect();
      return true;
    } catch {
      return false;
    }
  };
  const remember = async (secretId: string) => {
    for (const VersionStage of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']) {
      const v = await secretJson(client, secretId, { VersionStage }).catch(() => undefined);
      if (v?.password) seen.add(v.password);
    }
  };
  const createUser = async (user: string, opts: { admin?: boolean; rules?: string[] } = {}) => {
    const password = `initial-${user}-${Date.now()}`;
    seen.add(password);
    await redis.command('ACL', 'SETUSER', user, 'on', `>${password}`, ...(opts.rules ?? [`~${user}:*`, '+@read', '+@write', '+@connection']));
    const secret = { host: redis.host, port: redis.port, username: user, password, ...(opts.admin === false ? {} : { adminArn: adminId }) };
    await client.send(new CreateSecretCommand({ Name: `cache/${user}`, SecretString: JSON.stringify(secret) }));
    return { secretId: `cache/${user}`, password };
  };

  beforeAll(async () => {
    [emulator, redis] = await Promise.all([startTestEmulator(manualRotation), startRedis()]);
    client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
    seen.add(adminPassword);
    await redis.command('ACL', 'SETUSER', 'rotation_admin', 'on', `>${adminPassword}`, '+acl', '+@connection');
    await client.send(new CreateSecretCommand({ Name: adminId, SecretString: JSON.stringify({ username: 'rotation_admin', password: adminPassword }) }));
  });
  afterAll(async () => {
    for (const r of open) r.disconnect();
    client?.destroy();
    await Promise.all([emulator?.stop(), redis?.stop()]);
  });

  it('keeps the previous password valid until the next rotation, with every step run twice; open connections survive', async () => {
    const { secretId, password: initial } = await createUser('app_cache');
    const handler = createRotationHandler(redisAclUser(), { client, logger });
    const longLived = await connect('app_cache', initial);
    open.push(longLived);
    await longLived.set('app_cache:k', 'v1');

    await rotate(client, handler, secretId, { twice: true });
    await remember(secretId);
    const first = await secretJson(client, secretId);
    expect(first.password).not.toBe(initial);
    expect(first.password).toHaveLength(32);
    expect(first.adminArn).toBe(adminId);
    expect(await works('app_cache', first.password)).toBe(true);
    expect(await works('app_cache', initial)).toBe(true);

    await rotate(client, handler, secretId, { twice: true });
    await remember(secretId);
    const second = await secretJson(client, secretId);
    expect(await works('app_cache', second.password)).toBe(true);
    expect(await works('app_cache', first.password)).toBe(true);
    expect(await works('app_cache', initial)).toBe(false);
    // The connection authenticated with the first password is still served.
    expect(await longLived.get('app_cache:k')).toBe('v1');
    // The user's other rules are untouched.
    const rules = String(await redis.command('ACL', 'GETUSER', 'app_cache'));
    expect(rules).toContain('app_cache:*');
  });

  it('lets a user with +acl rotate itself when no admin secret is named', async () => {
    const { secretId, password: initial } = await createUser('ops_self', { admin: false, rules: ['~*', '+@all'] });
    const handler = createRotationHandler(redisAclUser(), { client, logger });
    await rotate(client, handler, secretId);
    await remember(secretId);
    const current = await secretJson(client, secretId);
    expect(await works('ops_self', current.password)).toBe(true);
    expect(await works('ops_self', initial)).toBe(true);
  });

  it('an admin that cannot log in fails setSecret; AWSCURRENT keeps working; RotateSecret is refused meanwhile; the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_noadmin');
    const handler = createRotationHandler(redisAclUser(), { client, logger });
    await redis.command('ACL', 'SETUSER', 'rotation_admin', 'off');
    const token = await beginRotation(client, secretId);
    try {
      await runSteps(handler, secretId, token, { steps: ['createSecret'] });
      await remember(secretId);
      const error = await failure(() => runSteps(handler, secretId, token, { steps: ['setSecret'] }));
      errors.push(error);
      expect(error).toBeInstanceOf(RotationStepError);
      expect(error.code).toBe('LoginFailed');
      expect(error.message).toContain(adminId);
      expect(await works('app_noadmin', initial)).toBe(true);
      const refused = await failure(() => client.send(new RotateSecretCommand({ SecretId: secretId })));
      expect(refused.name).toBe('InvalidRequestException');
    } finally {
      await redis.command('ACL', 'SETUSER', 'rotation_admin', 'on');
    }
    await runSteps(handler, secretId, token);
    const current = await secretJson(client, secretId);
    expect(current.password).not.toBe(initial);
    expect(await works('app_noadmin', current.password)).toBe(true);
  });

  it('a failing testSecret leaves AWSCURRENT working; the retried rotation completes', async () => {
    const { secretId, password: initial } = await createUser('app_probe');
    const handler = createRotationHandler(redisAclUser({ testCommand: ['GET', 'app_probe:health'] }), { client, logger });
    await redis.command('ACL', 'SETUSER', 'app_probe', '-get');
    const token = await beginRotation(client, secretId);
    await runSteps(handler, secretId, token, { steps: ['createSecret', 'setSecret'] });
    await remember(secretId);
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['testSecret'] }));
    errors.push(error);
    expect(error.code).toBe('TestSecretFailed');
    expect(error.message).toContain('NOPERM');
    expect((await secretJson(client, secretId)).password).toBe(initial);
    expect(await works('app_probe', initial)).toBe(true);

    await redis.command('ACL', 'SETUSER', 'app_probe', '+get');
    await runSteps(handler, secretId, token);
    const current = await secretJson(client, secretId);
    expect(await works('app_probe', current.password)).toBe(true);
    expect(await works('app_probe', initial)).toBe(true);
  });

  it('refuses a secret other than the configured one (SECRET_ARN)', async () => {
    const { secretId } = await createUser('app_other');
    const handler = createRotationHandler(redisAclUser({ secretId: 'cache/only-this-one' }), { client, logger });
    const token = await beginRotation(client, secretId);
    const error = await failure(() => runSteps(handler, secretId, token, { steps: ['createSecret'] }));
    expect(error.code).toBe('ConfigurationError');
    expect(error.message).toContain('SECRET_ARN');
  });

  it('never puts a password in a log line or an error (canary)', () => {
    expect(errors.length).toBeGreaterThanOrEqual(2);
    const text = [...logger.lines, ...errors.map(printable)].join('\n');
    expect(text).toContain('pending and the current password');
    for (const secret of seen) expect(text).not.toContain(secret);
  });
});
