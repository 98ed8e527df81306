import { MemorySource } from './memory.source.js';
import { RegionalSource } from './regional.source.js';
import type { SecretFetchResult, SecretSource } from './secret-source.js';
import { SecretStore } from '../store/secret-store.js';

/** Resolves once `cond` holds (the test's own timeout bounds it). */
const until = async (cond: () => boolean): Promise<void> => {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 10));
};
const awsError = (name: string, message = name) => Object.assign(new Error(message), { name });
const value = (r: SecretFetchResult) => {
  if (!r.ok) throw r.error;
  return r.value;
};

/** Two regions over memory sources holding the same versions (as replication does). */
function regions(opts: { primaryRetryMs?: number; now?: () => number } = {}) {
  const east = new MemorySource({ name: 'aws:us-east-1' });
  const west = new MemorySource({ name: 'aws:eu-west-1' });
  const byRegion: Record<string, MemorySource> = { 'us-east-1': east, 'eu-west-1': west };
  const replicate = (id: string, v: string) => {
    const versionId = east.put(id, v);
    west.put(id, v, { versionId });
    return versionId;
  };
  const source = new RegionalSource({ regions: ['us-east-1', 'eu-west-1'], sourceFor: (r) => byRegion[r], ...opts });
  return { east, west, replicate, source };
}

describe('RegionalSource', () => {
  it('reads the primary region while it answers', async () => {
    const { east, west, replicate, source } = regions();
    replicate('app/db', 'v1');
    const [r] = await source.fetch([{ secretId: 'app/db' }]);
    expect(r).toMatchObject({ ok: true });
    expect(r.ok && r.replica).toBeUndefined();
    expect(value(r).source).toBe('aws:us-east-1');
    expect(east.calls).toBe(1);
    expect(west.calls).toBe(0);
  });

  it.each(['ThrottlingException', 'InternalServiceError', 'ECONNREFUSED', 'TimeoutError'])('goes to the replica when the primary fails transiently (%s)', async (code) => {
    const { east, replicate, source } = regions({ now: () => 1000, primaryRetryMs: 500 });
    const v = replicate('app/db', 'v1');
    east.fail('app/db', code === 'ECONNREFUSED' ? Object.assign(new Error('connect'), { code }) : awsError(code));
    const [r] = await source.fetch([{ secretId: 'app/db' }]);
    expect(value(r)).toMatchObject({ versionId: v, source: 'aws:eu-west-1' });
    expect(r.ok && r.replica).toEqual({ region: 'eu-west-1', primaryRegion: 'us-east-1', primaryRetryAt: 1500 });
    expect(source.status()).toMatchObject({ primaryDown: true, primaryDownSince: 1000, primaryRetryAt: 1500 });
  });

  it.each([
    ['AccessDeniedException', 'AccessDeniedException'],
    ['ResourceNotFoundException', 'ResourceNotFoundException'],
    ['DecryptionFailure', 'DecryptionFailure'],
    ['InvalidRequestException', 'InvalidRequestException'],
  ])('never answers a deliberate refusal of the primary from a replica (%s)', async (name, code) => {
    const { east, west, replicate, source } = regions();
    replicate('app/db', 'v1');
    east.fail('app/db', awsError(name, name === 'InvalidRequestException' ? 'You can’t perform this operation on the secret because it was marked for deletion.' : name));
    const [r] = await source.fetch([{ secretId: 'app/db' }]);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe(code);
    expect(west.calls).toBe(0);
    expect(source.status().primaryDown).toBe(false);
  });

  it('passes over a region without the replica and reports the primary error when no region serves', async () => {
    const east = new MemorySource({ name: 'aws:us-east-1' });
    const west = new MemorySource({ name: 'aws:eu-west-1' });
    const central = new MemorySource({ name: 'aws:eu-central-1' });
    const versionId = east.put('app/db', 'v1');
    central.put('app/db', 'v1', { versionId });
    east.fail('app/db', awsError('ServiceUnavailable'));
    const byRegion: Record<string, SecretSource> = { 'us-east-1': east, 'eu-west-1': west, 'eu-central-1': central };
    const source = new RegionalSource({ regions: ['us-east-1', 'eu-west-1', 'eu-central-1'], sourceFor: (r) => byRegion[r] });
    const [r] = await source.fetch([{ secretId: 'app/db' }]);
    expect(value(r).source).toBe('aws:eu-central-1');
    central.fail('app/db', awsError('ServiceUnavailable'));
    const [none] = await source.fetch([{ secretId: 'app/db' }]);
    // The primary, skipped while down, is asked last for what no replica served.
    expect(east.calls).toBe(2);
    expect(none.ok).toBe(false);
    expect(!none.ok && none.error.code).toBe('ServiceUnavailable');
    expect(!none.ok && none.error.transient).toBe(true);
  });

  it('skips the primary for primaryRetryMs after a transient failure, then asks it again', async () => {
    let now = 0;
    const { east, west, replicate, source } = regions({ now: () => now, primaryRetryMs: 1000 });
    replicate('app/db', 'v1');
    east.fail('app/db', awsError('ThrottlingException'));
    await source.fetch([{ secretId: 'app/db' }]);
    expect(east.calls).toBe(1);
    now = 500;
    const [during] = await source.fetch([{ secretId: 'app/db' }]);
    expect(east.calls).toBe(1);
    expect(value(during).source).toBe('aws:eu-west-1');
    expect(west.calls).toBe(2);
    east.fail('app/db', undefined);
    now = 1000;
    const [back] = await source.fetch([{ secretId: 'app/db' }]);
    expect(east.calls).toBe(2);
    expect(value(back).source).toBe('aws:us-east-1');
    expect(back.ok && back.replica).toBeUndefined();
    expect(source.status()).toEqual({ primaryRegion: 'us-east-1', primaryDown: false });
  });

  it('reports API calls with their region', async () => {
    const { east, replicate, source } = regions();
    replicate('app/db', 'v1');
    east.fail('app/db', awsError('ThrottlingException'));
    const seen: string[] = [];
    const off = source.observe({ apiCall: (op, region) => seen.push(`${region}:${op}`) });
    await source.fetch([{ secretId: 'app/db' }]);
    off();
    expect(seen).toEqual(['us-east-1:MemoryGet', 'eu-west-1:MemoryGet']);
  });

  it('refuses an empty or repeated region list', () => {
    expect(() => new RegionalSource({ regions: [] })).toThrow(/at least one region/);
    expect(() => new RegionalSource({ regions: ['us-east-1', 'us-east-1'] })).toThrow(/distinct/);
  });
});

describe('SecretStore over a RegionalSource', () => {
  it('serves a replica value as fresh, reports the replica, and returns to the primary when it answers', async () => {
    const { east, replicate, source } = regions({ primaryRetryMs: 50 });
    const v = replicate('app/db', 'v1');
    east.fail('app/db', awsError('ServiceUnavailable'));
    const audit: { type: string; region?: string; source: string }[] = [];
    const store = new SecretStore({ sources: source, metrics: { openTelemetry: false }, audit: { record: (e) => audit.push(e) } });
    const entry = store.register({ ref: 'app/db' });
    try {
      await store.start();
      expect(entry.get().text()).toBe('v1');
      expect(entry.state()).toMatchObject({ state: 'fresh', versionId: v, source: 'aws:eu-west-1', replica: { region: 'eu-west-1', primaryRegion: 'us-east-1' } });
      expect(store.metrics().replicaFetches).toEqual({ 'eu-west-1': 1 });
      expect(audit).toContainEqual(expect.objectContaining({ type: 'load', source: 'aws:eu-west-1' }));
      // A refresh is planned for when the primary is asked again.
      expect(entry.state().nextRefreshAt!.getTime()).toBeLessThanOrEqual(entry.state().replica!.primaryRetryAt.getTime());
      east.fail('app/db', undefined);
      await until(() => entry.state().source === 'aws:us-east-1');
      expect(entry.state().replica).toBeUndefined();
      expect(entry.state().state).toBe('fresh');
      expect(entry.get().text()).toBe('v1');
    } finally {
      await store.stop();
    }
  });
});
