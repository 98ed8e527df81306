import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource, SecretStore } from '../src/index.js';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';

let emulator: TestEmulator;
let admin: SecretsManagerClient;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
});

afterAll(async () => {
  client?.destroy();
  admin?.destroy();
  await emulator?.stop();
});

it('serves the last good value as stale during an outage and becomes fresh after recovery', async () => {
  await admin.send(new CreateSecretCommand({ Name: 'outage/db', SecretString: 'keep-serving' }));
  const store = new SecretStore({
    sources: new AwsSecretsManagerSource({ client }),
    ttlMs: 300,
    backoff: { initialMs: 100, maxMs: 400 },
    metrics: { openTelemetry: false },
  });
  const entry = store.register({ ref: 'outage/db' });
  try {
    await store.start();
    const v1 = entry.current()!.versionId;
    await emulator.stop();
    await waitFor(() => entry.state().state === 'stale', 'stale state', 20_000, 50);
    expect(entry.get().text()).toBe('keep-serving');
    // Refused, or reset when a kept-alive socket was cut: a network failure either way.
    expect(entry.state()).toMatchObject({ versionId: v1, lastErrorCode: expect.stringMatching(/^(ECONNREFUSED|ECONNRESET|NetworkError)$/) });
    expect(entry.state().staleUntil!.getTime() - entry.state().staleSince!.getTime()).toBe(86_400_000);
    expect(store.metrics().staleServes).toBeGreaterThanOrEqual(1);
    await emulator.restart();
    await admin.send(new CreateSecretCommand({ Name: 'outage/db', SecretString: 'back' }));
    await waitFor(() => entry.state().state === 'fresh', 'fresh after recovery', 20_000, 50);
    expect(entry.get().text()).toBe('back');
    expect(entry.state().lastErrorCode).toBeUndefined();
  } finally {
    await store.stop();
  }
});
