import { inspect } from 'node:util';
import { EnvSource } from '../sources/env.source';
import { MemorySource } from '../sources/memory.source';
import type { SecretMismatch } from './secret-mismatch';
import { SideBySideSource } from './side-by-side.source';

const setup = (prefer: 'old' | 'new' = 'old') => {
  const old = new MemorySource({ name: 'table', secrets: { 'app/a': { db: { user: 'u', password: 'old-canary-1' }, port: 5432 }, 'app/b': 'plain-canary' } });
  const neu = new MemorySource({ name: 'aws', secrets: { 'app/a': { db: { user: 'u', password: 'old-canary-1' }, port: 5432 }, 'app/b': 'plain-canary' } });
  const source = new SideBySideSource({ old, new: neu, prefer });
  const seen: SecretMismatch[] = [];
  const calls: string[] = [];
  source.observe({ apiCall: (op) => calls.push(op), mismatch: (m) => seen.push(m) });
  return { old, neu, source, seen, calls };
};

describe('SideBySideSource', () => {
  it('serves the preferred side and reports nothing while both agree', async () => {
    const { source, seen, calls } = setup('old');
    const [a, b] = await source.fetch([{ secretId: 'app/a' }, { secretId: 'app/b' }]);
    expect(a.ok && a.value.source).toBe('table');
    expect(b.ok && b.value.text()).toBe('plain-canary');
    expect(seen).toEqual([]);
    expect(source.mismatches()).toEqual([]);
    expect(source.comparisons).toBe(2);
    expect(calls).toEqual(['MemoryGet', 'MemoryGet']);
  });

  it('reports one changed key by secret, key path and versions, once, without the value', async () => {
    const { neu, old, source, seen } = setup('old');
    const newVersion = neu.put('app/a', { db: { user: 'u', password: 'new-canary-2' }, port: 5432 });
    const [a] = await source.fetch([{ secretId: 'app/a' }]);
    expect(a.ok && a.value.source).toBe('table');
    expect(seen).toHaveLength(1);
    const m = seen[0];
    expect(m).toMatchObject({ secretId: 'app/a', stage: 'AWSCURRENT', keys: [{ path: 'db.password', kind: 'different' }], oldSource: 'table', newSource: 'aws', newVersionId: newVersion, served: 'old' });
    expect(m.oldVersionId).toEqual(expect.any(String));
    const printed = [String(m), inspect(m, { depth: 10 }), JSON.stringify(m), JSON.stringify(source.mismatches()), inspect(source)].join('\n');
    expect(printed).toMatch(/db\.password different/);
    expect(printed).not.toMatch(/canary/);
    // The same disagreement at the next refresh is not reported again; it stays listed.
    await source.fetch([{ secretId: 'app/a' }]);
    expect(seen).toHaveLength(1);
    expect(source.mismatches().map((x) => x.secretId)).toEqual(['app/a']);
    // Fixed in the old store too: the mismatch is gone.
    old.put('app/a', { db: { user: 'u', password: 'new-canary-2' }, port: 5432 });
    await source.fetch([{ secretId: 'app/a' }]);
    expect(source.mismatches()).toEqual([]);
  });

  it('tells a type change, an added key and a whole-value change apart', async () => {
    const { neu, source, seen } = setup('new');
    neu.put('app/a', { db: { user: 'u', password: 'old-canary-1', ssl: true }, port: '5432' });
    neu.put('app/b', 'other-canary');
    const results = await source.fetch([{ secretId: 'app/a' }, { secretId: 'app/b' }]);
    expect(results.map((r) => r.ok && r.value.source)).toEqual(['aws', 'aws']);
    expect(seen.map((m) => [m.secretId, m.keys, m.served])).toEqual([
      ['app/a', [{ path: 'db.ssl', kind: 'missing-in-old' }, { path: 'port', kind: 'different' }], 'new'],
      ['app/b', [{ path: '', kind: 'different' }], 'new'],
    ]);
    expect(String(seen[1])).toMatch(/\(whole value\) different/);
  });

  it('serves the other side as a fallback when the preferred one does not have the secret, and reports it', async () => {
    const { neu, source, seen } = setup('new');
    neu.delete('app/a');
    const [a] = await source.fetch([{ secretId: 'app/a' }]);
    expect(a).toMatchObject({ ok: true, fallback: true });
    expect(a.ok && a.value.source).toBe('table');
    expect(seen[0]).toMatchObject({ secretId: 'app/a', keys: [], newErrorCode: 'ResourceNotFoundException', served: 'old' });
    expect(String(seen[0])).toMatch(/aws \(missing\)/);
  });

  it('does not paper over a refusal of the preferred side', async () => {
    const { neu, source, seen } = setup('new');
    neu.fail('app/a', Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const [a] = await source.fetch([{ secretId: 'app/a' }]);
    expect(a.ok).toBe(false);
    expect(!a.ok && a.error.code).toBe('AccessDeniedException');
    expect(seen[0]).toMatchObject({ newErrorCode: 'AccessDeniedException', served: 'new' });
  });

  it('reads other stages from the preferred side, then the other, without comparing', async () => {
    const { neu, source, seen } = setup('old');
    neu.put('app/a', { rotated: 'x' });
    const [prev] = await source.fetch([{ secretId: 'app/a', versionStage: 'AWSPREVIOUS' }]);
    expect(prev).toMatchObject({ ok: true, fallback: true });
    expect(prev.ok && prev.value.source).toBe('aws');
    expect(seen).toEqual([]);
  });

  it('compares an EnvSource with Secrets Manager values key by key', async () => {
    const env = new EnvSource({ env: { DB_USER: 'u', DB_PASSWORD: 'env-canary' }, mapping: { 'app/db': { username: 'DB_USER', password: 'DB_PASSWORD' } } });
    const aws = new MemorySource({ name: 'aws', secrets: { 'app/db': { username: 'u', password: 'aws-canary' } } });
    const source = new SideBySideSource({ old: env, new: aws });
    const seen: SecretMismatch[] = [];
    source.observe({ apiCall: () => undefined, mismatch: (m) => seen.push(m) });
    await source.fetch([{ secretId: 'app/db' }]);
    expect(seen.map((m) => m.keys)).toEqual([[{ path: 'password', kind: 'different' }]]);
  });

  it('refuses an unknown preference', () => {
    expect(() => new SideBySideSource({ old: new MemorySource(), new: new MemorySource(), prefer: 'both' as 'old' })).toThrow(/prefer must be 'old' or 'new'/);
  });
});
