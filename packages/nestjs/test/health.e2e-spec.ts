import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { testClientConfig, waitFor } from '@keyturn/testing';
import { SecretsModule, SecretsService, defineSecret, type SecretsModuleOptions } from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';

const ID = 'app/api-key';
const VALUE = 'api-key-value-0001';
const apiKey = defineSecret(ID, { key: 'apiKey' });
const optionalKey = defineSecret('app/optional-missing', { required: false });

let emulator: EmulatorServer;

async function seed(): Promise<void> {
  const admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  try {
    await admin.send(new CreateSecretCommand({ Name: ID, SecretString: JSON.stringify({ apiKey: VALUE }) }));
  } finally {
    admin.destroy();
  }
}

const clients: SecretsManagerClient[] = [];
/** A ready client (maxAttempts 1), as an application may pass one; the module does not destroy it. */
function client(): SecretsManagerClient {
  const c = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  clients.push(c);
  return c;
}

async function boot(extra: SecretsModuleOptions): Promise<TestingModule> {
  @Module({ imports: [TerminusModule, SecretsHealthModule.forRoot()] })
  class HealthModule {}
  const ref = await Test.createTestingModule({
    imports: [
      SecretsModule.forRoot({ client: client(), logger: false, ttlMs: 200, backoff: { initialMs: 100, maxMs: 400 }, ...extra }),
      SecretsModule.forFeature(apiKey),
      HealthModule,
    ],
  }).compile();
  await ref.init();
  return ref;
}

describe('SecretsHealthIndicator over the Secrets Manager emulator (fault injection)', () => {
  let lenient: TestingModule | undefined;
  let strict: TestingModule | undefined;

  beforeAll(async () => {
    emulator = await startEmulator({ logger: false });
    await seed();
  });
  afterAll(async () => {
    await lenient?.close();
    await strict?.close();
    clients.forEach((c) => c.destroy());
    await emulator?.stop();
  });

  it('goes up -> degraded -> up across an outage, and down once the stale bound has passed', async () => {
    lenient = await boot({});
    strict = await boot({ staleIfErrorMs: 1_000 });
    const health = lenient.get(SecretsHealthIndicator);
    const checks = lenient.get(HealthCheckService);
    const asDown = new SecretsHealthIndicator(lenient.get(HealthIndicatorService), lenient.get(SecretsService).store, { degradedAs: 'down' });
    const strictHealth = strict.get(SecretsHealthIndicator);

    expect(health.isHealthy()).toMatchObject({ secrets: { status: 'up', state: 'up' } });
    await expect(checks.check([() => health.isHealthy()])).resolves.toMatchObject({ status: 'ok' });

    // Every call answers 500 InternalServiceError: a transient failure, so the last good value is served.
    emulator.faults.set({ serverError: true });
    await waitFor(() => health.check('secrets').secrets.state === 'degraded', 'degraded health during the outage', 20_000);
    const degraded = health.check('secrets');
    expect(degraded.secrets).toMatchObject({ status: 'up', degraded: [ID], secrets: { [ID]: { state: 'stale', required: true } } });
    expect(JSON.stringify(degraded)).not.toContain(VALUE);
    // Terminus keeps answering 200 while degraded (no restart storm), unless degraded is configured as down.
    await expect(checks.check([() => health.isHealthy()])).resolves.toMatchObject({ status: 'ok' });
    expect(asDown.isHealthy().secrets).toMatchObject({ status: 'down', state: 'degraded' });
    expect(lenient.get(SecretsService).store.states()[0]!.state).toBe('stale');

    await waitFor(() => strictHealth.isHealthy().secrets.status === 'down', 'down after the stale bound', 20_000);
    expect(strictHealth.isHealthy().secrets).toMatchObject({ state: 'down', failing: [ID] });
    await expect(strict.get(HealthCheckService).check([() => strictHealth.isHealthy()])).rejects.toMatchObject({ status: 503 });

    emulator.faults.clear();
    await waitFor(() => health.isHealthy().secrets.state === 'up', 'up after the outage', 30_000);
    expect(health.isHealthy().secrets).toMatchObject({ status: 'up', secrets: { [ID]: { state: 'fresh', source: 'aws' } } });
  });

  it('reports a failing optional secret as degraded, never down', async () => {
    const ref = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot({ client: client(), logger: false }),
        SecretsModule.forFeature(apiKey, optionalKey),
        SecretsHealthModule.forRoot(),
      ],
    }).compile();
    try {
      await ref.init();
      const result = ref.get(SecretsHealthIndicator).isHealthy('keyturn');
      expect(result.keyturn).toMatchObject({ status: 'up', state: 'degraded', degraded: ['app/optional-missing'] });
      expect(Object.keys(result.keyturn).filter((k) => k === 'status')).toHaveLength(1);
    } finally {
      await ref.close();
    }
  });
});
