import type { AuditEvent } from '../observability/audit';
import { MemorySource } from '../sources/memory.source';
import { SecretStore } from '../store/secret-store';
import type { SecretMismatch } from './secret-mismatch';
import { SideBySideSource } from './side-by-side.source';

// The store turns a side-by-side source's report into an event, a metric, an audit record and a log line.
it('reports a mismatch through the store surfaces, never with the value', async () => {
  const old = new MemorySource({ name: 'table', secrets: { 'app/clients/acme': { db: { password: 'table-canary' } } } });
  const aws = new MemorySource({ name: 'aws', secrets: { 'app/clients/acme': { db: { password: 'aws-canary' } } } });
  const audit: AuditEvent[] = [];
  const lines: string[] = [];
  const log = (m: string, c?: unknown) => void lines.push(`${m} ${JSON.stringify(c)}`);
  const store = new SecretStore({ sources: new SideBySideSource({ old, new: aws, prefer: 'old' }), audit: { record: (e) => audit.push(e) }, logger: { log, warn: log, error: log }, metrics: { openTelemetry: false } });
  const events: SecretMismatch[] = [];
  store.on('mismatch', (m) => events.push(m));
  const entry = store.register({ ref: 'app/clients/acme' });
  try {
    await store.start();
    expect(entry.state()).toMatchObject({ state: 'fresh', source: 'table' });
    expect(events.map((e) => [e.secretId, e.keys])).toEqual([['app/clients/acme', [{ path: 'db.password', kind: 'different' }]]]);
    expect(store.metrics().mismatches).toBe(1);
    const record = audit.find((a) => a.type === 'mismatch');
    expect(record).toMatchObject({ secretId: 'app/clients/acme', source: 'table', stage: 'AWSCURRENT', outcome: 'failure', mismatch: { keyPaths: ['db.password'], oldSource: 'table', newSource: 'aws', newVersionId: events[0].newVersionId } });
    expect(lines.join('\n')).toMatch(/Secret "app\/clients\/acme" differs between table \(version .+\) and aws \(version .+\): db\.password different; serving table/);
    expect(JSON.stringify([audit, lines, events, store.metrics(), store.states()])).not.toMatch(/canary/);
  } finally {
    await store.stop();
  }
});
