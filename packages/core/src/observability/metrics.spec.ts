import { MemorySource } from '../sources/memory.source.js';
import { SecretStore } from '../store/secret-store.js';
import type { AuditEvent } from './audit.js';
import { MetricsRecorder } from './metrics.js';

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
