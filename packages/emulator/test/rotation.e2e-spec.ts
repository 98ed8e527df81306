import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RotateSecretCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { waitFor } from '@keyturn/testing';
import { startEmulator, type EmulatorServer, type RotationEvent, type RotationHandler } from '../src/index';
import { clientFor, failure } from './helpers';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-random-key';

/**
 * A small random-key rotation function following AWS's template: guard on the labels, then
 * createSecret (new random key under AWSPENDING), setSecret (nothing to set), testSecret (the
 * pending value parses), finishSecret (move AWSCURRENT).
 */
function randomKeyHandler(client: () => SecretsManagerClient, opts: { failAt?: () => string | undefined; calls?: RotationEvent[] } = {}): RotationHandler {
  return async (event) => {
    opts.calls?.push(event);
    const { SecretId, ClientRequestToken: token, Step } = event;
    if (opts.failAt?.() === Step) throw new Error(`step ${Step} failed on purpose`);
    const c = client();
    const d = await c.send(new DescribeSecretCommand({ SecretId }));
    if (d.RotationEnabled === false) throw new Error('rotation is not enabled');
    const stages = d.VersionIdsToStages?.[token];
    if (!stages) throw new Error('no stage for rotation');
    if (stages.includes('AWSCURRENT')) return;
    if (!stages.includes('AWSPENDING')) throw new Error('version is not AWSPENDING');
    switch (Step) {
      case 'createSecret': {
        await c.send(new GetSecretValueCommand({ SecretId, VersionStage: 'AWSCURRENT' }));
        try {
          await c.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        } catch (e) {
          if ((e as Error).name !== 'ResourceNotFoundException') throw e;
          const pw = await c.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true }));
          await c.send(new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: JSON.stringify({ key: pw.RandomPassword }), VersionStages: ['AWSPENDING'] }));
        }
        return;
      }
      case 'setSecret':
        return;
      case 'testSecret': {
        const pending = await c.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
        if (typeof (JSON.parse(pending.SecretString ?? '{}') as { key?: unknown }).key !== 'string') throw new Error('pending value has no key');
        return;
      }
      case 'finishSecret': {
        const current = Object.entries(d.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
        if (current === token) return;
        await c.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
        return;
      }
      default:
        throw new Error(`unknown step ${String(Step)}`);
    }
  };
}

describe('RotateSecret with registered rotation handlers', () => {
  let emulator: EmulatorServer;
  let client: SecretsManagerClient;
  let failAt: string | undefined;
  const calls: RotationEvent[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-rotation-'));
    emulator = await startEmulator({ port: 0 });
    client = clientFor(emulator.endpoint);
    emulator.registerRotationHandler(LAMBDA, randomKeyHandler(() => client, { failAt: () => failAt, calls }));
  });
  afterEach(() => {
    failAt = undefined;
    calls.length = 0;
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the four steps after answering: AWSCURRENT moves to the new key, AWSPREVIOUS keeps the old one', async () => {
    const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'rot/jwt', SecretString: '{"key":"initial"}' }));
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/jwt', RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 30 } }));
    // The handler guard fails unless the empty AWSPENDING version exists before createSecret.
    const outcome = await emulator.waitForRotation('rot/jwt');
    expect(outcome).toMatchObject({ status: 'succeeded', versionId: out.VersionId, mode: 'full' });
    expect(outcome.completedSteps).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(calls.map((c) => c.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(calls.every((c) => c.ClientRequestToken === out.VersionId && c.SecretId === out.ARN)).toBe(true);
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rot/jwt' }));
    expect(current.VersionId).toBe(out.VersionId);
    expect(current.VersionStages?.sort()).toEqual(['AWSCURRENT', 'AWSPENDING']);
    expect(JSON.parse(current.SecretString!).key).toMatch(/^[A-Za-z0-9]{40}$/);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/jwt', VersionStage: 'AWSPREVIOUS' }))).VersionId).toBe(v1);
    const d = await client.send(new DescribeSecretCommand({ SecretId: 'rot/jwt' }));
    expect(d).toMatchObject({ RotationEnabled: true, RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 30 } });
    expect(d.LastRotatedDate).toBeInstanceOf(Date);
    const days = (d.NextRotationDate!.getTime() - d.LastRotatedDate!.getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    // A completed rotation leaves AWSPENDING on AWSCURRENT: the next one may start.
    const second = await client.send(new RotateSecretCommand({ SecretId: 'rot/jwt' }));
    expect((await emulator.waitForRotation('rot/jwt')).status).toBe('succeeded');
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/jwt' }))).VersionId).toBe(second.VersionId);
  });

  it('a failing step stops the rotation; another RotateSecret is refused while AWSPENDING sits on a non-current version', async () => {
    const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'rot/fail', SecretString: '{"key":"initial"}' }));
    failAt = 'testSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/fail', RotationLambdaARN: LAMBDA }));
    const outcome = await emulator.waitForRotation('rot/fail');
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'testSecret', completedSteps: ['createSecret', 'setSecret'] });
    expect(outcome.error?.message).toBe('step testSecret failed on purpose');
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/fail' }))).VersionId).toBe(v1);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/fail', VersionStage: 'AWSPENDING' }))).VersionId).toBe(out.VersionId);
    expect((await client.send(new DescribeSecretCommand({ SecretId: 'rot/fail' }))).LastRotatedDate).toBeUndefined();
    failAt = undefined;
    const refused = await failure(client.send(new RotateSecretCommand({ SecretId: 'rot/fail' })));
    expect(refused.name).toBe('InvalidRequestException');
    // Clearing AWSPENDING by hand (as after CancelRotateSecret) allows a new rotation.
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: 'rot/fail', VersionStage: 'AWSPENDING', RemoveFromVersionId: out.VersionId }));
    await client.send(new RotateSecretCommand({ SecretId: 'rot/fail' }));
    expect((await emulator.waitForRotation('rot/fail')).status).toBe('succeeded');
  });

  it('a step that fails at createSecret leaves AWSPENDING on an empty version', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot/empty', SecretString: '{"key":"initial"}' }));
    failAt = 'createSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/empty', RotationLambdaARN: LAMBDA }));
    expect((await emulator.waitForRotation('rot/empty')).failedStep).toBe('createSecret');
    const d = await client.send(new DescribeSecretCommand({ SecretId: 'rot/empty' }));
    expect(d.VersionIdsToStages?.[out.VersionId!]).toEqual(['AWSPENDING']);
    const err = await failure(client.send(new GetSecretValueCommand({ SecretId: 'rot/empty', VersionStage: 'AWSPENDING' })));
    expect(err.name).toBe('ResourceNotFoundException');
  });

  it('RotateImmediately=false runs only testSecret and removes the test version again', async () => {
    const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'rot/later', SecretString: '{"key":"initial"}' }));
    const out = await client.send(
      new RotateSecretCommand({ SecretId: 'rot/later', RotationLambdaARN: LAMBDA, RotateImmediately: false, RotationRules: { ScheduleExpression: 'rate(10 days)' } }),
    );
    const outcome = await emulator.waitForRotation('rot/later');
    expect(outcome.mode).toBe('test');
    expect(calls.map((c) => c.Step)).toEqual(['testSecret']);
    const d = await client.send(new DescribeSecretCommand({ SecretId: 'rot/later' }));
    expect(d.VersionIdsToStages).toEqual({ [v1!]: ['AWSCURRENT'] });
    expect(d.VersionIdsToStages?.[out.VersionId!]).toBeUndefined();
    expect(d.RotationEnabled).toBe(true);
    expect(d.RotationRules?.ScheduleExpression).toBe('rate(10 days)');
  });

  it('without a handler for the Lambda ARN RotateSecret fails as when the function cannot be invoked; without any ARN InvalidRequestException', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot/nohandler', SecretString: 'v' }));
    const denied = await failure(client.send(new RotateSecretCommand({ SecretId: 'rot/nohandler', RotationLambdaARN: `${LAMBDA}-missing` })));
    expect(denied.name).toBe('AccessDeniedException');
    const d = await client.send(new DescribeSecretCommand({ SecretId: 'rot/nohandler' }));
    expect(d.RotationEnabled).toBeUndefined();
    expect(Object.keys(d.VersionIdsToStages ?? {})).toHaveLength(1);
    expect((await failure(client.send(new RotateSecretCommand({ SecretId: 'rot/nohandler' })))).name).toBe('InvalidRequestException');
  });

  it('CancelRotateSecret turns rotation off and reports the partly built version', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot/cancel', SecretString: '{"key":"initial"}' }));
    failAt = 'setSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/cancel', RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 7 } }));
    await emulator.waitForRotation('rot/cancel');
    const cancelled = await client.send(new CancelRotateSecretCommand({ SecretId: 'rot/cancel' }));
    expect(cancelled.VersionId).toBe(out.VersionId);
    const d = await client.send(new DescribeSecretCommand({ SecretId: 'rot/cancel' }));
    expect(d.RotationEnabled).toBe(false);
    expect(d.NextRotationDate).toBeUndefined();
    expect(d.RotationRules).toEqual({ AutomaticallyAfterDays: 7 });
  });

  it('loads a handler from a module path, with the default export name and with #export', async () => {
    const log = join(dir, 'steps.log');
    const mod = join(dir, 'rotate-module.js');
    writeFileSync(
      mod,
      `const fs = require('node:fs');
       exports.handler = async (e) => { fs.appendFileSync(${JSON.stringify(log)}, 'default:' + e.Step + '\\n'); if (e.Step === 'createSecret') throw new Error('module stops here'); };
       exports.named = async (e) => { fs.appendFileSync(${JSON.stringify(log)}, 'named:' + e.Step + '\\n'); if (e.Step === 'createSecret') throw new Error('module stops here'); };`,
    );
    emulator.registerRotationHandler(`${LAMBDA}-module`, mod);
    emulator.registerRotationHandler(`${LAMBDA}-named`, `${mod}#named`);
    await client.send(new CreateSecretCommand({ Name: 'rot/module', SecretString: 'v' }));
    await client.send(new RotateSecretCommand({ SecretId: 'rot/module', RotationLambdaARN: `${LAMBDA}-module` }));
    expect((await emulator.waitForRotation('rot/module')).error?.message).toBe('module stops here');
    await client.send(new CreateSecretCommand({ Name: 'rot/named', SecretString: 'v' }));
    await client.send(new RotateSecretCommand({ SecretId: 'rot/named', RotationLambdaARN: `${LAMBDA}-named` }));
    expect((await emulator.waitForRotation('rot/named')).failedStep).toBe('createSecret');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual(['default:createSecret', 'named:createSecret']);
  });
});

describe('scheduled rotation with a sped-up clock', () => {
  it('rotates again when NextRotationDate is reached (one day = one second)', async () => {
    const ref: { client?: SecretsManagerClient } = {};
    const emulator = await startEmulator({ port: 0, rotationTimeScale: 86_400, rotationHandlers: { [LAMBDA]: randomKeyHandler(() => ref.client!) } });
    const client = clientFor(emulator.endpoint);
    ref.client = client;
    try {
      const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'sched/key', SecretString: '{"key":"initial"}' }));
      await client.send(new RotateSecretCommand({ SecretId: 'sched/key', RotationLambdaARN: LAMBDA, RotateImmediately: false, RotationRules: { AutomaticallyAfterDays: 1 } }));
      await emulator.waitForRotation('sched/key');
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'sched/key' }))).VersionId).toBe(v1);
      await waitFor(async () => (await client.send(new DescribeSecretCommand({ SecretId: 'sched/key' }))).LastRotatedDate !== undefined, 'a scheduled rotation', 20_000);
      const outcome = await emulator.waitForRotation('sched/key');
      expect(outcome).toMatchObject({ mode: 'full', status: 'succeeded' });
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'sched/key' }))).VersionId).toBe(outcome.versionId);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
