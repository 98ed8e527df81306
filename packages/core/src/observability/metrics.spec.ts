import { MemorySource } from '../sources/memory.source.js';
import { SecretStore } from '../store/secret-store.js';
import type { AuditEvent } from './audit.js';
import { MetricsRecorder, type MeterLike } from './metrics.js';

/** A meter that records what is reported to it. */
function fakeMeter() {
  const adds: { name: string; value: number; attrs?: Record<string, string> }[] = [];
  const observables: { name: string; cb: (r: { observe(v: number, a?: Record<string, string>): void }) => void }[] = [];
  const meter: MeterLike = {
    createCounter: (name) => ({ add: (value, attrs) => adds.push({ name, value, attrs }) }),
    createHistogram: (name) => ({ record: (value, attrs) => adds.push({ name, value, attrs }) }),
    createObservableCounter: (name) => ({ addCallback: (cb) => observables.push({ name, cb }), removeCallback: () => undefined }),
    createObservableGauge: (name) => ({ addCallback: (cb) => observables.push({ name, cb }), removeCallback: () => undefined }),
  };
  const collect = () => {
    const out: Record<string, { value: number; attrs?: Record<string, string> }[]> = {};
    for (const o of observables) o.cb({ observe: (value, attrs) => (out[o.name] ??= []).push({ value, attrs }) });
    return out;
  };
  return { meter, adds, collect };
}

describe('metrics', () => {
  it('snapshot computes hit rate and latency percentiles', () => {
    const m = new MetricsRecorder();
    expect(m.snapshot().hitRate).toBe(0);
    m.hits = 3;
    m.misses = 1;
    for (let i = 1; i <= 100; i++) m.refreshLatency(i, 1);
    m.apiCall('GetSecretValue');
    m.error('ThrottlingException', 's');
    expect(m.snapshot()).toMatchObject({ hits: 3, misses: 1, hitRate: 0.75, apiCalls: { GetSecretValue: 1 }, errors: { ThrottlingException: 1 }, refreshLatencyMs: { count: 100, p50: 50, p99: 99, last: 100 } });
  });

  it('reports to an OpenTelemetry meter: counters, histogram, observable hits and ages labelled by secret id only', async () => {
    const { meter, adds, collect } = fakeMeter();
    const memory = new MemorySource({ secrets: { 'app/a': 'value-a' } });
    memory.fail('app/b', Object.assign(new Error('x'), { name: 'AccessDeniedException' }));
    const store = new SecretStore({ sources: memory, metrics: { meter } });
    const a = store.register({ ref: 'app/a' });
    store.register({ ref: 'app/b', required: false });
    await store.start();
    a.get();
    a.get();
    const observed = collect();
    expect(observed['keyturn.cache.hits']).toEqual([{ value: 2, attrs: undefined }]);
    expect(observed['keyturn.secret.age']).toEqual([{ value: expect.any(Number), attrs: { secret_id: 'app/a' } }]);
    expect(adds).toEqual(
      expect.arrayContaining([
        { name: 'keyturn.api.calls', value: 1, attrs: { operation: 'MemoryGet' } },
        { name: 'keyturn.errors', value: 1, attrs: { code: 'AccessDeniedException', secret_id: 'app/b' } },
        expect.objectContaining({ name: 'keyturn.refresh.duration' }),
      ]),
    );
    expect(JSON.stringify(adds) + JSON.stringify(observed)).not.toContain('value-a');
    await store.stop();
  });

  it('loads @opentelemetry/api when installed (no-op global meter)', async () => {
    const m = new MetricsRecorder();
    await expect(m.enableOpenTelemetry(undefined, () => [])).resolves.toBe(true);
    m.disableOpenTelemetry();
  });

  it('audit events and logger calls carry ids, versions and codes, never values', async () => {
    const audit: AuditEvent[] = [];
    const lines: string[] = [];
    const logger = { log: (m: string, c?: unknown) => lines.push(m + JSON.stringify(c)), warn: (m: string, c?: unknown) => lines.push(m + JSON.stringify(c)), error: (m: string, c?: unknown) => lines.push(m + JSON.stringify(c)) };
    const memory = new MemorySource({ secrets: { s: 'secret-v1' } });
    const store = new SecretStore({ sources: memory, audit: { record: (e) => audit.push(e) }, logger, metrics: { openTelemetry: false } });
    const e = store.register({ ref: 's' });
    await store.start();
    const v2 = memory.put('s', 'secret-v2');
    await store.refresh('s', { force: true });
    await store.refresh('s', { force: true });
    memory.fail('s', Object.assign(new Error('x'), { name: 'ThrottlingException' }));
    await expect(store.refresh('s', { force: true })).rejects.toThrow(/ThrottlingException/);
    expect(audit.map((a) => [a.type, a.outcome])).toEqual([
      ['load', 'success'],
      ['rotation', 'success'],
      ['refresh', 'unchanged'],
      ['error', 'failure'],
    ]);
    expect(audit[1]).toMatchObject({ secretId: 's', versionId: v2, stage: 'AWSCURRENT', source: 'memory', latencyMs: expect.any(Number), at: expect.any(Date) });
    expect(audit[3].errorCode).toBe('ThrottlingException');
    expect(lines.some((l) => l.includes('rotated'))).toBe(true);
    expect(lines.some((l) => l.includes('serving the last good value'))).toBe(true);
    expect(JSON.stringify(audit) + lines.join()).not.toMatch(/secret-v/);
    expect(e.get().text()).toBe('secret-v2');
    await store.stop();
  });
});
