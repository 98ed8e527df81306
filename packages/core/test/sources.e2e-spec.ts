import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';
import { AwsSecretsManagerSource, DotenvSource, EnvSource, MemorySource, SecretStore } from '../src/index.js';

let emulator: TestEmulator;
let admin: SecretsManagerClient;
let client: SecretsManagerClient;
let dir: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  client = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  dir = mkdtempSync(join(tmpdir(), 'keyturn-sources-'));
});

afterAll(async () => {
  client?.destroy();
  admin?.destroy();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('chains AWS, environment and .env: each value records the source that served it', async () => {
  await admin.send(new CreateSecretCommand({ Name: 'chain/in-aws', SecretString: 'aws-value' }));
  const dotenvPath = join(dir, '.env');
  writeFileSync(dotenvPath, 'SMTP_PASSWORD=from-dotenv\nIN_AWS=shadowed\n');
  const store = new SecretStore({
    sources: [
      new AwsSecretsManagerSource({ client }),
      new EnvSource({ mapping: { 'chain/jwt': 'JWT_SECRET' }, env: { JWT_SECRET: 'from-env' } }),
      new DotenvSource({ path: dotenvPath, mapping: { 'chain/smtp': 'SMTP_PASSWORD', 'chain/in-aws': 'IN_AWS' } }),
    ],
    ttlMs: 300,
    metrics: { openTelemetry: false },
  });
  const inAws = store.register({ ref: 'chain/in-aws' });
  const jwt = store.register({ ref: 'chain/jwt' });
  const smtp = store.register({ ref: 'chain/smtp' });
  try {
    await store.start();
    expect([inAws.get().text(), jwt.get().text(), smtp.get().text()]).toEqual(['aws-value', 'from-env', 'from-dotenv']);
    expect([inAws.state(), jwt.state(), smtp.state()].map((s) => [s.state, s.source])).toEqual([
      ['fresh', 'aws'],
      ['fallback', 'env'],
      ['fallback', 'dotenv'],
    ]);
    // Once the secret exists in AWS, the primary serves it and the state says so.
    await admin.send(new CreateSecretCommand({ Name: 'chain/smtp', SecretString: 'aws-smtp' }));
    await waitFor(() => smtp.state().source === 'aws', 'primary source takes over', 10_000, 50);
    expect(smtp.get().text()).toBe('aws-smtp');
    expect(smtp.state().state).toBe('fresh');
    expect(store.metrics().fallbackServes).toBeGreaterThanOrEqual(2);
  } finally {
    await store.stop();
  }
});

it('MemorySource stands in for Secrets Manager in users\' tests, rotation included', async () => {
  const memory = new MemorySource({ secrets: { 'app/stripe': { apiKey: 'sk_1', webhookSecret: 'wh_1' } } });
  const store = new SecretStore({ sources: memory, metrics: { openTelemetry: false } });
  const stripe = store.register({ ref: 'app/stripe', transform: (v) => v.json<{ apiKey: string; webhookSecret: string }>() });
  const seen: string[] = [];
  stripe.subscribe((e) => seen.push(e.value.apiKey));
  try {
    await store.start();
    expect(stripe.get().apiKey).toBe('sk_1');
    memory.put('app/stripe', { apiKey: 'sk_2', webhookSecret: 'wh_2' });
    expect(await store.refresh('app/stripe', { force: true })).toMatchObject({ changed: true });
    expect(stripe.get().apiKey).toBe('sk_2');
    expect(seen).toEqual(['sk_2']);
    expect((await store.fetchVersion('app/stripe', { versionStage: 'AWSPREVIOUS' })).json()).toEqual({ apiKey: 'sk_1', webhookSecret: 'wh_1' });
  } finally {
    await store.stop();
  }
});
