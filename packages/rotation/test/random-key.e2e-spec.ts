import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { createRotationHandler, randomKey, RotationGuardError, RotationStepError } from '@keyturn/rotation';
import { randomUUID } from 'node:crypto';
import { beginRotation, manualRotation, failure, printable, recordingLogger, rotate, runSteps, secretJson, stages } from './support/rotation-driver';

describe('randomKey and the step guards over the emulator', () => {
  let emulator: TestEmulator;
  let client: SecretsManagerClient;
  const logger = recordingLogger();
  const errors: unknown[] = [];
  const seen = new Set<string>();
  const create = async (Name: string, SecretString: string) => {
    await client.send(new CreateSecretCommand({ Name, SecretString }));
  };
  const remember = async (secretId: string, keys: string[] | undefined) => {
    for (const VersionStage of ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING']) {
      const out = await secretJson(client, secretId, { VersionStage }).catch(() => undefined);
      if (out === undefined) continue;
      for (const k of keys ?? []) if (typeof out[k] === 'string') seen.add(out[k]);
    }
  };

  beforeAll(async () => {
    emulator = await startTestEmulator(manualRotation);
    client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  });
  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  it('rotates only the named JSON keys (base64url, 256 bits) and keeps the rest; every step run twice', async () => {
    await create('app/jwt', JSON.stringify({ jwtSigningKey: 'old-jwt-key', sessionSecret: 'old-session', issuer: 'keyturn', ttl: 900 }));
    seen.add('old-jwt-key').add('old-session');
    const handler = createRotationHandler(randomKey({ keys: ['jwtSigningKey', 'sessionSecret'] }), { client, logger });
    const token = await rotate(client, handler, 'app/jwt', { twice: true });
    await remember('app/jwt', ['jwtSigningKey', 'sessionSecret']);
    const current = await secretJson(client, 'app/jwt');
    expect(current.issuer).toBe('keyturn');
    expect(current.ttl).toBe(900);
    expect(current.jwtSigningKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(current.sessionSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(current.jwtSigningKey).not.toBe(current.sessionSecret);
    const previous = await secretJson(client, 'app/jwt', { VersionStage: 'AWSPREVIOUS' });
    expect(previous.jwtSigningKey).toBe('old-jwt-key');
    expect((await stages(client, 'app/jwt'))[token]).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));
  });

  it('replaces a plain string secret whole, in hex or from a charset', async () => {
    await create('app/api-key', 'old-api-key-value');
    await rotate(client, createRotationHandler(randomKey({ encoding: 'hex', length: 48 }), { client, logger }), 'app/api-key');
    const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const hex = (await client.send(new GetSecretValueCommand({ SecretId: 'app/api-key' }))).SecretString!;
    expect(hex).toMatch(/^[0-9a-f]{48}$/);
    seen.add(hex);

    await rotate(client, createRotationHandler(randomKey({ encoding: 'password', charset: 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789', length: 24 }), { client, logger }), 'app/api-key');
    const pw = (await client.send(new GetSecretValueCommand({ SecretId: 'app/api-key' }))).SecretString!;
    expect(pw).toMatch(/^[A-HJ-NP-Z2-9]{24}$/);
    seen.add(pw);
  });

  it('uses GetRandomPassword for encoding "password" with exclude options', async () => {
    await create('app/webhook', JSON.stringify({ signingSecret: 'whsec_old' }));
    const handler = createRotationHandler(randomKey({ keys: ['signingSecret'], encoding: 'password', length: 40, exclude: { excludePunctuation: true } }), { client, logger });
    await rotate(client, handler, 'app/webhook');
    const current = await secretJson(client, 'app/webhook');
    expect(current.signingSecret).toMatch(/^[A-Za-z0-9]{40}$/);
    seen.add(current.signingSecret);
  });

  it('a verify hook that rejects the key fails testSecret; AWSCURRENT stays; the retried rotation completes', async () => {
    await create('app/session', JSON.stringify({ sessionSecret: 'old-session-secret' }));
    let accept = false;
    const handler = createRotationHandler(
      randomKey({
        keys: ['sessionSecret'],
        verify: (c) => {
          if (!accept) throw new Error(`signature check failed with key ${c.pending('sessionSecret')}`);
        },
      }),
      { client, logger },
    );
    const token = await beginRotation(client, 'app/session');
    await runSteps(handler, 'app/session', token, { steps: ['createSecret', 'setSecret'] });
    await remember('app/session', ['sessionSecret']);
    const error = await failure(() => runSteps(handler, 'app/session', token, { steps: ['testSecret'] }));
    errors.push(error);
    expect(error).toBeInstanceOf(RotationStepError);
    expect(error.message).toContain('signature check failed with key [redacted]');
    expect((await secretJson(client, 'app/session')).sessionSecret).toBe('old-session-secret');
    accept = true;
    await runSteps(handler, 'app/session', token);
    expect((await secretJson(client, 'app/session')).sessionSecret).not.toBe('old-session-secret');
  });

  it('onFinished hears of each finished rotation once, by name and version id; a failing hook does not fail the rotation', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'app/notify', SecretString: JSON.stringify({ k: 'old-notify-key' }) }));
    const finished: { secretId: string; versionId: string }[] = [];
    const handler = createRotationHandler(randomKey({ keys: ['k'] }), { client, logger, onFinished: (f) => void finished.push(f) });
    // Given by ARN, announced by name; every step twice: the second finishSecret finds it done.
    const token = await beginRotation(client, 'app/notify');
    await runSteps(handler, created.ARN!, token, { twice: true });
    expect(finished).toEqual([{ secretId: 'app/notify', versionId: token }]);
    await remember('app/notify', ['k']);

    const failing = createRotationHandler(randomKey({ keys: ['k'] }), {
      client,
      logger,
      onFinished: () => {
        throw new Error('bus unreachable');
      },
    });
    const next = await rotate(client, failing, 'app/notify');
    expect((await stages(client, 'app/notify'))[next]).toContain('AWSCURRENT');
    expect(logger.lines.some((l) => l.includes('the onFinished hook failed') && l.includes(next))).toBe(true);
    await remember('app/notify', ['k']);
  });

  it('overlapping createSecret invocations keep one pending value', async () => {
    await create('app/overlap', JSON.stringify({ k: 'old-overlap-key' }));
    const handler = createRotationHandler(randomKey({ keys: ['k'] }), { client, logger });
    const token = await beginRotation(client, 'app/overlap');
    await Promise.all([1, 2, 3].map(() => handler({ SecretId: 'app/overlap', ClientRequestToken: token, Step: 'createSecret' })));
    const pending = await secretJson(client, 'app/overlap', { VersionId: token, VersionStage: 'AWSPENDING' });
    seen.add(pending.k);
    await runSteps(handler, 'app/overlap', token);
    expect((await secretJson(client, 'app/overlap')).k).toBe(pending.k);
  });

  it('refuses a JSON secret without keys, naming the option', async () => {
    await create('app/json-nokeys', JSON.stringify({ a: 'b' }));
    const token = await beginRotation(client, 'app/json-nokeys');
    const error = await failure(() => runSteps(createRotationHandler(randomKey(), { client, logger }), 'app/json-nokeys', token, { steps: ['createSecret'] }));
    expect(error.name).toBe('SecretShapeError');
    expect(error.message).toContain('keys');
  });

  describe('guards (as AWS sample functions)', () => {
    const handler = () => createRotationHandler(randomKey(), { client, logger });

    it('fails for a token that is not a version of the secret', async () => {
      await create('guard/unknown', 'value-1');
      const error = await failure(() => handler()({ SecretId: 'guard/unknown', ClientRequestToken: randomUUID(), Step: 'createSecret' }));
      expect(error).toBeInstanceOf(RotationGuardError);
      expect(error.code).toBe('VersionNotFound');
    });

    it('is a no-op for a version already AWSCURRENT', async () => {
      await create('guard/current', 'value-1');
      const current = Object.keys(await stages(client, 'guard/current'))[0];
      for (const Step of ['createSecret', 'setSecret', 'testSecret', 'finishSecret', 'bogusStep']) {
        await handler()({ SecretId: 'guard/current', ClientRequestToken: current, Step });
      }
      expect(Object.keys(await stages(client, 'guard/current'))).toEqual([current]);
    });

    it('fails for a version that is not AWSPENDING', async () => {
      await create('guard/previous', 'value-1');
      const first = Object.keys(await stages(client, 'guard/previous'))[0];
      await client.send(new PutSecretValueCommand({ SecretId: 'guard/previous', SecretString: 'value-2' }));
      const error = await failure(() => handler()({ SecretId: 'guard/previous', ClientRequestToken: first, Step: 'setSecret' }));
      expect(error.code).toBe('VersionNotPending');
    });

    it('fails for an unknown step', async () => {
      await create('guard/step', 'value-1');
      const token = await beginRotation(client, 'guard/step');
      const error = await failure(() => handler()({ SecretId: 'guard/step', ClientRequestToken: token, Step: 'deploySecret' }));
      expect(error.code).toBe('UnknownStep');
    });

    it('after finishSecret, AWSPENDING stays on the new current version and the next RotateSecret is accepted', async () => {
      await create('guard/again', 'value-1');
      const token = await rotate(client, handler(), 'guard/again');
      expect((await stages(client, 'guard/again'))[token]).toEqual(expect.arrayContaining(['AWSCURRENT', 'AWSPENDING']));
      const next = await beginRotation(client, 'guard/again');
      expect((await stages(client, 'guard/again'))[next]).toEqual(['AWSPENDING']);
      await client.send(new UpdateSecretVersionStageCommand({ SecretId: 'guard/again', VersionStage: 'AWSPENDING', RemoveFromVersionId: next }));
    });
  });

  it('never puts a key in a log line or an error (canary)', () => {
    expect(seen.size).toBeGreaterThanOrEqual(6);
    const text = [...logger.lines, ...errors.map(printable)].join('\n');
    expect(text).toContain('createSecret');
    for (const secret of seen) expect(text).not.toContain(secret);
  });
});
