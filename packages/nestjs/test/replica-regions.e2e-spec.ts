/**
 * Replica-region failover through SecretsModule: the emulator serves two regions with replication;
 * the primary region is put into an outage with the emulator's per-region fault injection.
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { testClientConfig, waitFor } from '@keyturn/testing';
import { SecretsModule, SecretsService, defineSecret, getSecretToken, type SecretHandle } from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';

const ID = 'regional/api-key';
const VALUE = 'regional-api-key-0001';
const apiKey = defineSecret(ID, { key: 'apiKey' });

let emulator: EmulatorServer;
let app: TestingModule | undefined;

beforeAll(async () => {
  emulator = await startEmulator({ logger: false, port: 0, regions: ['us-east-1', 'eu-west-1'] });
  const admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  try {
    await admin.send(new CreateSecretCommand({ Name: ID, SecretString: JSON.stringify({ apiKey: VALUE }), AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
  } finally {
    admin.destroy();
  }
});

afterAll(async () => {
  await app?.close();
  await emulator?.stop();
});

it('boots from the replica while the primary is down, reports degraded with the region, and returns to the primary', async () => {
  emulator.faults.set({ region: 'us-east-1', outage: true });
  @Module({ imports: [TerminusModule, SecretsHealthModule.forRoot({ details: true })] })
  class HealthModule {}
  app = await Test.createTestingModule({
    imports: [
      SecretsModule.forRoot({
        region: 'us-east-1',
        replicaRegions: ['eu-west-1'],
        regionFailover: { primaryRetryMs: 300 },
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        logger: false,
        metrics: { openTelemetry: false },
      }),
      SecretsModule.forFeature(apiKey),
      HealthModule,
    ],
  }).compile();
  await app.init();
  const handle = app.get<SecretHandle<string>>(getSecretToken(apiKey));
  const health = app.get(SecretsHealthIndicator);
  const store = app.get(SecretsService).store;

  expect(handle.get()).toBe(VALUE);
  const degraded = health.check('secrets').secrets as unknown as { state: string; degraded?: string[]; secrets: Record<string, { region?: string; replicaOf?: string; state: string }> };
  expect(degraded).toMatchObject({ state: 'degraded', degraded: [ID] });
  expect(degraded.secrets[ID]).toMatchObject({ state: 'fresh', region: 'eu-west-1', replicaOf: 'us-east-1' });
  expect(store.metrics().replicaFetches['eu-west-1']).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(degraded)).not.toContain(VALUE);

  emulator.faults.clear();
  await waitFor(() => store.states(ID)[0]?.region === 'us-east-1', 'back on the primary region', 20_000, 25);
  const up = health.check('secrets').secrets as unknown as { state: string; secrets: Record<string, { region?: string; replicaOf?: string }> };
  expect(up.state).toBe('up');
  expect(up.secrets[ID]).toMatchObject({ region: 'us-east-1' });
  expect(up.secrets[ID].replicaOf).toBeUndefined();
  expect(handle.get()).toBe(VALUE);
});
