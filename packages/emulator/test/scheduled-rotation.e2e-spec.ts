import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand, RotateSecretCommand, UpdateSecretVersionStageCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { waitFor } from '@keyturn/testing';
import { startEmulator, type RotationHandler } from '../src/index';
import { clientFor } from './helpers';

const LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-cron';

/** Puts a new value under AWSPENDING, then promotes it (AWS's template reduced to what the test needs). */
function handler(client: () => SecretsManagerClient): RotationHandler {
  return async (event) => {
    const c = client();
    if (event.Step === 'createSecret') {
      await c.send(new PutSecretValueCommand({ SecretId: event.SecretId, ClientRequestToken: event.ClientRequestToken, SecretString: `v-${event.ClientRequestToken}`, VersionStages: ['AWSPENDING'] }));
    } else if (event.Step === 'finishSecret') {
      const d = await c.send(new DescribeSecretCommand({ SecretId: event.SecretId }));
      const current = Object.entries(d.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
      if (current === event.ClientRequestToken) return;
      await c.send(new UpdateSecretVersionStageCommand({ SecretId: event.SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: event.ClientRequestToken, RemoveFromVersionId: current }));
    }
  };
}

describe('scheduled rotation with a cron() expression', () => {
  it('fires on the sped-up clock and sets NextRotationDate to the next occurrence', async () => {
    const ref: { client?: SecretsManagerClient } = {};
    // 4 hours of emulated time last a fifth of a second.
    const emulator = await startEmulator({ port: 0, rotationTimeScale: 72_000, rotationHandlers: { [LAMBDA]: handler(() => ref.client!) } });
    const client = clientFor(emulator.endpoint);
    ref.client = client;
    try {
      const { VersionId: v1 } = await client.send(new CreateSecretCommand({ Name: 'cron/key', SecretString: 'initial' }));
      await client.send(new RotateSecretCommand({ SecretId: 'cron/key', RotationLambdaARN: LAMBDA, RotateImmediately: false, RotationRules: { ScheduleExpression: 'cron(0 */4 * * ? *)', Duration: '1h' } }));
      await emulator.waitForRotation('cron/key');
      const described = await client.send(new DescribeSecretCommand({ SecretId: 'cron/key' }));
      expect(described.NextRotationDate).toBeInstanceOf(Date);
      await waitFor(async () => (await client.send(new GetSecretValueCommand({ SecretId: 'cron/key' }))).VersionId !== v1, 'a scheduled cron() rotation', 20_000);
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'cron/key' }))).SecretString).toMatch(/^v-/);
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });
});
