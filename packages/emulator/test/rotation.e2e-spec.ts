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
/** Fast retries, so a failed rotation's attempts are used up within the test. */
const RETRY = { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 };

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
  let failAt: (() => string | undefined) | undefined;
  const calls: RotationEvent[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-rotation-'));
    emulator = await startEmulator({ port: 0, rotationRetry: RETRY });
    client = clientFor(emulator.endpoint);
    emulator.registerRotationHandler(LAMBDA, randomKeyHandler(() => client, { failAt: () => failAt?.(), calls }));
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

  it('a failed rotation keeps AWSPENDING and is retried with the same token until it completes on its own', async () => {
    const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'rot/retry', SecretString: '{"key":"initial"}' }));
    let testSecretCalls = 0;
    failAt = () => (calls.filter((c) => c.Step === 'testSecret').length < 2 ? 'testSecret' : undefined);
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/retry', RotationLambdaARN: LAMBDA }));
    const first = await emulator.waitForRotation('rot/retry');
    expect(first).toMatchObject({ status: 'failed', failedStep: 'testSecret', attempt: 1, versionId: out.VersionId });
    expect(first.nextAttemptAt).toBeInstanceOf(Date);
    const settled = await emulator.waitForRotation('rot/retry', { settled: true });
    expect(settled).toMatchObject({ status: 'succeeded', attempt: 2, versionId: out.VersionId });
    expect(settled.nextAttemptAt).toBeUndefined();
    testSecretCalls = calls.filter((c) => c.Step === 'testSecret').length;
    expect(testSecretCalls).toBe(2);
    expect(calls.map((c) => c.Step)).toEqual(['createSecret', 'setSecret', 'testSecret', 'createSecret', 'setSecret', 'testSecret', 'finishSecret']);
    expect(new Set(calls.map((c) => c.ClientRequestToken))).toEqual(new Set([out.VersionId]));
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rot/retry' }));
    expect(current.VersionId).toBe(out.VersionId);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/retry', VersionStage: 'AWSPREVIOUS' }))).VersionId).toBe(v1);
    expect((await client.send(new DescribeSecretCommand({ SecretId: 'rot/retry' }))).LastRotatedDate).toBeInstanceOf(Date);
  });

  it('retries are bounded; RotateSecret with another token is refused, with the unfinished rotation\'s own token it resumes', async () => {
    const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'rot/fail', SecretString: '{"key":"initial"}' }));
    failAt = () => 'testSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/fail', RotationLambdaARN: LAMBDA }));
    const outcome = await emulator.waitForRotation('rot/fail', { settled: true });
    expect(outcome).toMatchObject({ status: 'failed', failedStep: 'testSecret', completedSteps: ['createSecret', 'setSecret'], attempt: RETRY.maxAttempts });
    expect(outcome.nextAttemptAt).toBeUndefined();
    expect(outcome.error?.message).toBe('step testSecret failed on purpose');
    expect(calls.filter((c) => c.Step === 'createSecret')).toHaveLength(RETRY.maxAttempts);
    expect(new Set(calls.map((c) => c.ClientRequestToken))).toEqual(new Set([out.VersionId]));
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/fail' }))).VersionId).toBe(v1);
    const pending = await client.send(new GetSecretValueCommand({ SecretId: 'rot/fail', VersionStage: 'AWSPENDING' }));
    expect(pending.VersionId).toBe(out.VersionId);
    expect((await client.send(new DescribeSecretCommand({ SecretId: 'rot/fail' }))).LastRotatedDate).toBeUndefined();
    failAt = undefined;
    const refused = await failure(client.send(new RotateSecretCommand({ SecretId: 'rot/fail' })));
    expect(refused.name).toBe('InvalidRequestException');
    expect(refused.message).toMatch(/previous rotation isn.t complete\. That rotation will be reattempted/);
    // The same token resumes the rotation: the pending value (already written) is kept.
    calls.length = 0;
    const resumed = await client.send(new RotateSecretCommand({ SecretId: 'rot/fail', ClientRequestToken: out.VersionId }));
    expect(resumed.VersionId).toBe(out.VersionId);
    expect(await emulator.waitForRotation('rot/fail', { settled: true })).toMatchObject({ status: 'succeeded', attempt: 1, versionId: out.VersionId });
    expect(calls.map((c) => c.ClientRequestToken)).toEqual(Array(4).fill(out.VersionId));
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rot/fail' }));
    expect(current.VersionId).toBe(out.VersionId);
    expect(current.SecretString).toBe(pending.SecretString);
  });

  it('RotateSecret with the pending token while a retry is scheduled runs it now, once', async () => {
    const slow = await startEmulator({ port: 0, rotationRetry: { maxAttempts: 5, initialBackoffMs: 600_000, maxBackoffMs: 600_000 } });
    const slowClient = clientFor(slow.endpoint);
    const slowCalls: RotationEvent[] = [];
    let fail = true;
    try {
      slow.registerRotationHandler(LAMBDA, randomKeyHandler(() => slowClient, { failAt: () => (fail ? 'setSecret' : undefined), calls: slowCalls }));
      await slowClient.send(new CreateSecretCommand({ Name: 'rot/now', SecretString: '{"key":"initial"}' }));
      const out = await slowClient.send(new RotateSecretCommand({ SecretId: 'rot/now', RotationLambdaARN: LAMBDA }));
      const first = await slow.waitForRotation('rot/now');
      expect(first.nextAttemptAt!.getTime() - first.finishedAt.getTime()).toBe(600_000);
      fail = false;
      await slowClient.send(new RotateSecretCommand({ SecretId: 'rot/now', ClientRequestToken: out.VersionId }));
      expect(await slow.waitForRotation('rot/now', { settled: true })).toMatchObject({ status: 'succeeded', attempt: 1 });
      expect(slowCalls.map((c) => c.Step)).toEqual(['createSecret', 'setSecret', 'createSecret', 'setSecret', 'testSecret', 'finishSecret']);
      // Completed: the same token is an existing version now, not a rotation to resume.
      expect((await failure(slowClient.send(new RotateSecretCommand({ SecretId: 'rot/now', ClientRequestToken: out.VersionId })))).name).toBe('ResourceExistsException');
    } finally {
      slowClient.destroy();
      await slow.stop();
    }
  });

  it('a retry is dropped when AWSPENDING leaves the version (removed by hand); a new rotation may then start', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot/manual', SecretString: '{"key":"initial"}' }));
    failAt = () => 'setSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/manual', RotationLambdaARN: LAMBDA }));
    await emulator.waitForRotation('rot/manual');
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: 'rot/manual', VersionStage: 'AWSPENDING', RemoveFromVersionId: out.VersionId }));
    failAt = undefined;
    const next = await client.send(new RotateSecretCommand({ SecretId: 'rot/manual' }));
    expect(await emulator.waitForRotation('rot/manual', { settled: true })).toMatchObject({ status: 'succeeded', versionId: next.VersionId });
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'rot/manual' }))).VersionId).toBe(next.VersionId);
  });

  it('a step that fails at createSecret leaves AWSPENDING on an empty version', async () => {
    await client.send(new CreateSecretCommand({ Name: 'rot/empty', SecretString: '{"key":"initial"}' }));
    failAt = () => 'createSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/empty', RotationLambdaARN: LAMBDA }));
    expect((await emulator.waitForRotation('rot/empty', { settled: true })).failedStep).toBe('createSecret');
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
    failAt = () => 'setSecret';
    const out = await client.send(new RotateSecretCommand({ SecretId: 'rot/cancel', RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 7 } }));
    await emulator.waitForRotation('rot/cancel');
    const cancelled = await client.send(new CancelRotateSecretCommand({ SecretId: 'rot/cancel' }));
    // No retry after the cancellation (rotation is off).
    expect((await emulator.waitForRotation('rot/cancel', { settled: true })).versionId).toBe(out.VersionId);
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
    expect((await emulator.waitForRotation('rot/module', { settled: true })).error?.message).toBe('module stops here');
    await client.send(new CreateSecretCommand({ Name: 'rot/named', SecretString: 'v' }));
    await client.send(new RotateSecretCommand({ SecretId: 'rot/named', RotationLambdaARN: `${LAMBDA}-named` }));
    expect((await emulator.waitForRotation('rot/named', { settled: true })).failedStep).toBe('createSecret');
    // Each rotation is attempted maxAttempts times.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([...Array(RETRY.maxAttempts).fill('default:createSecret'), ...Array(RETRY.maxAttempts).fill('named:createSecret')]);
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

describe('retry timers', () => {
  it('stop() clears a scheduled retry: the handler is not called again after the emulator closed', async () => {
    const ref: { client?: SecretsManagerClient } = {};
    const calls: RotationEvent[] = [];
    const emulator = await startEmulator({ port: 0, rotationRetry: { maxAttempts: 5, initialBackoffMs: 100, maxBackoffMs: 100 } });
    const client = clientFor(emulator.endpoint);
    ref.client = client;
    try {
      emulator.registerRotationHandler(LAMBDA, randomKeyHandler(() => ref.client!, { failAt: () => 'setSecret', calls }));
      await client.send(new CreateSecretCommand({ Name: 'timer/key', SecretString: '{"key":"initial"}' }));
      await client.send(new RotateSecretCommand({ SecretId: 'timer/key', RotationLambdaARN: LAMBDA }));
      const first = await emulator.waitForRotation('timer/key');
      expect(first.nextAttemptAt).toBeInstanceOf(Date);
    } finally {
      client.destroy();
      await emulator.stop();
    }
    const seen = calls.length;
    // Well past the back-off: a retry that was not cleared would have called the handler.
    await new Promise((r) => setTimeout(r, 400));
    expect(calls).toHaveLength(seen);
  });

  it('a failed rotation whose retries are used up is run again with its own token when the next rotation is due', async () => {
    const ref: { client?: SecretsManagerClient } = {};
    const calls: RotationEvent[] = [];
    let fail = true;
    const emulator = await startEmulator({
      port: 0,
      rotationTimeScale: 86_400,
      rotationRetry: { maxAttempts: 1 },
      rotationHandlers: { [LAMBDA]: randomKeyHandler(() => ref.client!, { failAt: () => (fail ? 'testSecret' : undefined), calls }) },
    });
    const client = clientFor(emulator.endpoint);
    ref.client = client;
    try {
      await client.send(new CreateSecretCommand({ Name: 'sched/retry', SecretString: '{"key":"initial"}' }));
      const out = await client.send(new RotateSecretCommand({ SecretId: 'sched/retry', RotationLambdaARN: LAMBDA, RotationRules: { AutomaticallyAfterDays: 1 } }));
      expect(await emulator.waitForRotation('sched/retry', { settled: true })).toMatchObject({ status: 'failed', attempt: 1 });
      fail = false;
      await waitFor(async () => (await client.send(new DescribeSecretCommand({ SecretId: 'sched/retry' }))).LastRotatedDate !== undefined, 'the scheduled resume', 20_000);
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'sched/retry' }))).VersionId).toBe(out.VersionId);
      expect(new Set(calls.map((c) => c.ClientRequestToken))).toEqual(new Set([out.VersionId]));
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
