import { MeterProvider, MetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { MemorySource } from '../sources/memory.source.js';
import { SecretStore } from '../store/secret-store.js';
import { VERSION } from '../version.js';
import { keyturnMeter, REFRESH_DURATION_BUCKETS } from './metrics.js';

/** A reader collected on demand (no export loop). */
class InMemoryReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

async function setup(opts: { secretAttributes?: 'registered' | 'all' | 'none' } = {}) {
  const reader = new InMemoryReader();
  const provider = new MeterProvider({ readers: [reader] });
  const memory = new MemorySource({ secrets: { 'app/a': 'value-a-0123456789', 'app/b': 'value-b-0123456789' } });
  const store = new SecretStore({ sources: memory, metrics: { meter: keyturnMeter(provider), ...opts }, random: () => 0.5 });
  const collect = async () => {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const scope = resourceMetrics.scopeMetrics.find((s) => s.scope.name === '@keyturn/core')!;
    expect(scope.scope.version).toBe(VERSION);
    return new Map<string, MetricData>(scope.metrics.map((m) => [m.descriptor.name, m]));
  };
  const points = (m: MetricData | undefined) => (m?.dataPoints ?? []).map((p) => ({ value: p.value, attributes: p.attributes }));
  return { provider, memory, store, collect, points };
}

describe('OpenTelemetry instruments (in-memory reader)', () => {
  it('names, units and attributes follow the semantic conventions; no value reaches a metric', async () => {
    const { provider, memory, store, collect, points } = await setup();
    const a = store.register({ ref: 'app/a' });
    store.register({ ref: 'app/b', validate: (v) => { if (v.text().startsWith('bad')) throw new Error('rejected'); return v; } });
    await store.start();
    a.get();
    a.get();
    memory.put('app/a', 'value-a-rotated-0123456789');
    await store.refresh('app/a', { force: true });
    memory.put('app/b', 'bad-value-0123456789');
    await store.refresh('app/b', { force: true });
    memory.fail('app/a', Object.assign(new Error('x'), { name: 'ThrottlingException' }));
    await expect(store.refresh('app/a', { force: true })).rejects.toThrow();
    a.get();
    // Loaded on demand after start (a tenant secret): aggregated, no keyturn.secret.id.
    memory.put('tenants/t1/db', 'tenant-value-0123456789');
    await store.load({ ref: 'tenants/t1/db' });
    memory.fail('tenants/t1/db', Object.assign(new Error('x'), { name: 'AccessDeniedException' }));
    await expect(store.refresh('tenants/t1/db', { force: true })).rejects.toThrow();
    store.reportConnectionEvent({ type: 'retry', secretId: 'app/a', system: 'postgresql', code: '28P01' });
    store.reportConnectionEvent({ type: 'reauthentication', secretId: 'app/b', system: 'redis', outcome: 'success' });
    store.reportFleetEvent({ type: 'message', outcome: 'received' });
    store.reportFleetEvent({ type: 'message', outcome: 'received' });
    store.reportFleetEvent({ type: 'message', outcome: 'dropped' });
    store.reportFleetEvent({ type: 'leader', leader: true });

    const m = await collect();
    const unit = (name: string) => m.get(name)?.descriptor.unit;
    expect(Object.fromEntries([...m.keys()].sort().map((n) => [n, unit(n)]))).toEqual({
      'keyturn.api.calls': '{call}',
      'keyturn.cache.fallback_serves': '{request}',
      'keyturn.cache.hit_ratio': '1',
      'keyturn.cache.requests': '{request}',
      'keyturn.cache.stale_serves': '{request}',
      'keyturn.connection.auth_retries': '{retry}',
      'keyturn.connection.reauthentications': '{reauthentication}',
      'keyturn.errors': '{error}',
      'keyturn.fleet.messages': '{message}',
      'keyturn.fleet.watcher.leader': '1',
      'keyturn.refresh.duration': 's',
      'keyturn.rotation.rejected_versions': '{version}',
      'keyturn.rotation.unfinished': '{rotation}',
      'keyturn.rotations': '{rotation}',
      'keyturn.secret.age': 's',
      'keyturn.secret.state': '1',
      'keyturn.secret.version.age': 's',
      'keyturn.secrets': '{secret}',
    });
    expect(points(m.get('keyturn.cache.requests'))).toEqual(
      expect.arrayContaining([
        { value: 3, attributes: { 'keyturn.cache.result': 'hit' } },
        { value: expect.any(Number), attributes: { 'keyturn.cache.result': 'miss' } },
      ]),
    );
    expect(points(m.get('keyturn.cache.stale_serves'))).toEqual([{ value: 1, attributes: {} }]);
    expect(points(m.get('keyturn.api.calls'))).toEqual([{ value: expect.any(Number), attributes: { 'rpc.method': 'MemoryGet' } }]);
    expect(points(m.get('keyturn.errors'))).toEqual(
      expect.arrayContaining([
        { value: 1, attributes: { 'error.type': 'ThrottlingException', 'keyturn.secret.id': 'app/a' } },
        { value: 1, attributes: { 'error.type': 'AccessDeniedException' } },
      ]),
    );
    // Registered secrets start at 0; the tenant secret has no series of its own.
    expect(points(m.get('keyturn.rotations'))).toEqual([{ value: 1, attributes: { 'keyturn.secret.id': 'app/a' } }, { value: 0, attributes: { 'keyturn.secret.id': 'app/b' } }]);
    expect(points(m.get('keyturn.rotation.rejected_versions'))).toEqual([{ value: 0, attributes: { 'keyturn.secret.id': 'app/a' } }, { value: 1, attributes: { 'keyturn.secret.id': 'app/b' } }]);
    expect(points(m.get('keyturn.rotation.unfinished'))).toEqual([{ value: 0, attributes: { 'keyturn.secret.id': 'app/a' } }, { value: 0, attributes: { 'keyturn.secret.id': 'app/b' } }]);
    expect(points(m.get('keyturn.connection.auth_retries'))).toEqual([{ value: 1, attributes: { 'db.system.name': 'postgresql', 'error.type': '28P01', 'keyturn.secret.id': 'app/a' } }]);
    expect(points(m.get('keyturn.connection.reauthentications'))).toEqual([{ value: 1, attributes: { 'db.system.name': 'redis', 'keyturn.outcome': 'success', 'keyturn.secret.id': 'app/b' } }]);
    expect(points(m.get('keyturn.fleet.messages'))).toEqual([
      { value: 2, attributes: { 'keyturn.fleet.message.outcome': 'received' } },
      { value: 1, attributes: { 'keyturn.fleet.message.outcome': 'dropped' } },
    ]);
    expect(points(m.get('keyturn.fleet.watcher.leader'))).toEqual([{ value: 1, attributes: {} }]);
    expect(store.metrics().fleet).toEqual({ received: 2, published: 0, dropped: 1, rateLimited: 0, coalesced: 0, refreshes: 0, leader: 1 });
    const ages = points(m.get('keyturn.secret.age'));
    expect(ages.map((p) => p.attributes['keyturn.secret.id'] ?? '(aggregated)').sort()).toEqual(['(aggregated)', 'app/a', 'app/b']);
    for (const p of ages) expect(p.value).toBeLessThan(60);
    expect(points(m.get('keyturn.secret.version.age')).length).toBe(3);
    const state = points(m.get('keyturn.secret.state'));
    expect(state).toEqual(expect.arrayContaining([{ value: 1, attributes: { 'keyturn.secret.id': 'app/a', 'keyturn.secret.state': 'stale' } }, { value: 0, attributes: { 'keyturn.secret.id': 'app/a', 'keyturn.secret.state': 'fresh' } }]));
    expect(state.some((p) => p.attributes['keyturn.secret.id'] === 'tenants/t1/db')).toBe(false);
    expect(points(m.get('keyturn.secrets'))).toEqual(expect.arrayContaining([{ value: 1, attributes: { 'keyturn.secret.state': 'failed' } }, { value: 1, attributes: { 'keyturn.secret.state': 'stale' } }]));
    const hist = m.get('keyturn.refresh.duration')!;
    const hp = hist.dataPoints[0].value as { count: number; sum: number; buckets: { boundaries: number[] } };
    expect(hp.buckets.boundaries).toEqual(REFRESH_DURATION_BUCKETS);
    expect(hp.count).toBeGreaterThan(3);
    expect(hp.sum).toBeLessThan(5); // seconds, not milliseconds
    const ratio = points(m.get('keyturn.cache.hit_ratio'))[0].value as number;
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(JSON.stringify([...m.values()])).not.toMatch(/value-a|value-b|tenant-value|bad-value/);

    await store.stop();
    await provider.shutdown();
  });

  it("secretAttributes: 'all' reports loaded secrets one by one, 'none' reports none", async () => {
    for (const policy of ['all', 'none'] as const) {
      const { provider, memory, store, collect, points } = await setup({ secretAttributes: policy });
      await store.start();
      memory.put('tenants/t2/db', 'tenant-value-0123456789');
      await store.load({ ref: 'tenants/t2/db' });
      const ages = points((await collect()).get('keyturn.secret.age'));
      expect(ages.map((p) => p.attributes)).toEqual([policy === 'all' ? { 'keyturn.secret.id': 'tenants/t2/db' } : {}]);
      await store.stop();
      await provider.shutdown();
    }
  });
});

it('VERSION matches package.json', () => {
  expect(VERSION).toBe((require('../../package.json') as { version: string }).version);
});
