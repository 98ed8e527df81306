/**
 * Replica-region failover over the real path: the emulator serving two regions with replication,
 * the AWS SDK v3 clients over HTTP, the primary region put into an outage by per-region fault injection.
 */
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RegionalSource, SecretStore, type AuditEvent } from '../src/index.js';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';

const REGIONS = ['us-east-1', 'eu-west-1'] as const;
let emulator: TestEmulator;
let admin: SecretsManagerClient;
let westAdmin: SecretsManagerClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ regions: [...REGIONS] });
  admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  westAdmin = new SecretsManagerClient({ ...testClientConfig(emulator.endpoint), region: 'eu-west-1' });
});

afterEach(() => emulator.server().faults.clear());

afterAll(async () => {
  admin?.destroy();
  westAdmin?.destroy();
  await emulator?.stop();
});

function regionalStore(audit: AuditEvent[] = []) {
  const source = new RegionalSource({ regions: REGIONS, clientConfig: { endpoint: emulator.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 }, primaryRetryMs: 300 });
  const store = new SecretStore({ sources: source, ttlMs: 60_000, backoff: { initialMs: 50, maxMs: 200 }, metrics: { openTelemetry: false }, audit: { record: (e) => audit.push(e) } });
  return { source, store };
}

it('starts from the replica when the primary region is down, then returns to the primary when it answers', async () => {
  const created = await admin.send(new CreateSecretCommand({ Name: 'regions/db', SecretString: 'replicated', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
  emulator.server().faults.set({ region: 'us-east-1', outage: true });
  const audit: AuditEvent[] = [];
  const { source, store } = regionalStore(audit);
  const entry = store.register({ ref: 'regions/db' });
  try {
    await store.start();
    expect(entry.get().text()).toBe('replicated');
    expect(entry.state()).toMatchObject({ state: 'fresh', versionId: created.VersionId, source: 'aws:eu-west-1', region: 'eu-west-1', replica: { region: 'eu-west-1', primaryRegion: 'us-east-1' } });
    expect(source.status().primaryDown).toBe(true);
    const m = store.metrics();
    expect(m.replicaFetches['eu-west-1']).toBeGreaterThanOrEqual(1);
    expect(m.apiCallsByRegion['eu-west-1']).toBeDefined();
    expect(m.apiCallsByRegion['us-east-1']).toBeDefined();
    expect(audit).toContainEqual(expect.objectContaining({ type: 'load', secretId: 'regions/db', source: 'aws:eu-west-1', region: 'eu-west-1', outcome: 'success' }));

    emulator.server().faults.clear();
    await waitFor(() => entry.state().source === 'aws:us-east-1', 'back on the primary region', 20_000, 25);
    expect(entry.state()).toMatchObject({ state: 'fresh', region: 'us-east-1', versionId: created.VersionId });
    expect(entry.state().replica).toBeUndefined();
    expect(source.status().primaryDown).toBe(false);
    expect(JSON.stringify(audit)).not.toContain('replicated');
  } finally {
    await store.stop();
  }
});

it('a refresh during a primary outage is served by the replica, fresh, including a version written before the outage', async () => {
  await admin.send(new CreateSecretCommand({ Name: 'regions/api', SecretString: 'k1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
  const { store } = regionalStore();
  const entry = store.register({ ref: 'regions/api' });
  try {
    await store.start();
    expect(entry.state()).toMatchObject({ source: 'aws:us-east-1', state: 'fresh' });
    const v2 = await admin.send(new PutSecretValueCommand({ SecretId: 'regions/api', SecretString: 'k2' }));
    emulator.server().faults.set({ region: 'us-east-1', outage: true });
    const result = await store.refresh('regions/api', { force: true });
    expect(result).toEqual({ changed: true, versionId: v2.VersionId });
    expect(entry.get().text()).toBe('k2');
    expect(entry.state()).toMatchObject({ state: 'fresh', source: 'aws:eu-west-1', replica: { region: 'eu-west-1' } });
  } finally {
    await store.stop();
  }
});

it('never serves from another region what the primary refuses (not found there)', async () => {
  // A standalone secret of eu-west-1 with the same name: not a replica of anything in us-east-1.
  await westAdmin.send(new CreateSecretCommand({ Name: 'regions/only-west', SecretString: 'west-only' }));
  const { store } = regionalStore();
  store.register({ ref: 'regions/only-west' });
  try {
    await expect(store.start()).rejects.toThrow(/regions\/only-west/);
    expect(store.states('regions/only-west')[0]).toMatchObject({ state: 'failed', lastErrorCode: 'ResourceNotFoundException' });
  } finally {
    await store.stop();
  }
});
