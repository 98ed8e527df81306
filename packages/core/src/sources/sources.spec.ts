import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { ChainSource } from './chain.source.js';
import { DotenvSource } from './dotenv.source.js';
import { EnvSource } from './env.source.js';
import { MemorySource } from './memory.source.js';
import type { SecretFetchResult } from './secret-source.js';

const ok = (r: SecretFetchResult) => {
  if (!r.ok) throw r.error;
  return r.value;
};

describe('EnvSource', () => {
  const env = { JWT: 'jwt-secret', DB_USER: 'app', DB_PASSWORD: 'pw' };
  const src = new EnvSource({ mapping: { 'app/jwt': 'JWT', 'app/db': { username: 'DB_USER', password: 'DB_PASSWORD' }, 'app/none': 'NOPE' }, env });

  it('serves mapped variables, whole or as JSON keys, with stable version ids', async () => {
    const [jwt, db] = await src.fetch([{ secretId: 'app/jwt' }, { secretId: 'app/db' }]);
    expect(ok(jwt).text()).toBe('jwt-secret');
    expect(ok(db).json()).toEqual({ username: 'app', password: 'pw' });
    expect(ok(jwt).source).toBe('env');
    const [again] = await src.fetch([{ secretId: 'app/jwt' }]);
    expect(ok(again).versionId).toBe(ok(jwt).versionId);
    expect(ok(jwt).versionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('a changed value gets a new version id', async () => {
    const e = { JWT: 'a' };
    const s = new EnvSource({ mapping: { j: 'JWT' }, env: e });
    const [one] = await s.fetch([{ secretId: 'j' }]);
    e.JWT = 'b';
    const [two] = await s.fetch([{ secretId: 'j' }]);
    expect(ok(two).versionId).not.toBe(ok(one).versionId);
  });

  it('names the missing variable; unmapped ids and other stages are not found', async () => {
    const [none, unmapped, prev] = await src.fetch([{ secretId: 'app/none' }, { secretId: 'other' }, { secretId: 'app/jwt', versionStage: 'AWSPREVIOUS' }]);
    expect(!none.ok && none.error).toBeInstanceOf(SecretNotFoundError);
    expect(!none.ok && none.error.message).toContain('has no variable NOPE');
    expect(!unmapped.ok && unmapped.error.message).toContain('has no mapping');
    expect(!prev.ok && prev.error.message).toContain('current value only');
  });
});

describe('DotenvSource', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyturn-dotenv-'));
  const path = join(dir, '.env');

  it("parses the file with dotenv's parser on every fetch and never touches process.env", async () => {
    writeFileSync(path, 'STRIPE_KEY="sk_test_1"\n# comment\nMULTI="a\\nb"\n');
    const src = new DotenvSource({ path, mapping: { 'app/stripe': 'STRIPE_KEY', m: 'MULTI' } });
    const [stripe, multi] = await src.fetch([{ secretId: 'app/stripe' }, { secretId: 'm' }]);
    expect(ok(stripe).text()).toBe('sk_test_1');
    expect(ok(multi).text()).toBe('a\nb');
    expect(ok(stripe).source).toBe('dotenv');
    expect(process.env.STRIPE_KEY).toBeUndefined();
    writeFileSync(path, 'STRIPE_KEY=sk_test_2\n');
    const [changed] = await src.fetch([{ secretId: 'app/stripe' }]);
    expect(ok(changed).text()).toBe('sk_test_2');
    expect(ok(changed).versionId).not.toBe(ok(stripe).versionId);
  });

  it('a missing file is "not found", naming the file', async () => {
    const src = new DotenvSource({ path: join(dir, 'nope.env'), mapping: { a: 'A' } });
    const [r] = await src.fetch([{ secretId: 'a' }]);
    expect(!r.ok && r.error.message).toContain('nope.env does not exist');
  });
});

describe('MemorySource', () => {
  it('put() creates versions and moves AWSCURRENT / AWSPREVIOUS', async () => {
    const m = new MemorySource({ secrets: { s: { a: 1 } } });
    const [first] = await m.fetch([{ secretId: 's' }]);
    const v2 = m.put('s', 'two');
    const pending = m.put('s', 'three', { versionStages: ['AWSPENDING'] });
    const [cur, prev, pend, byId] = await m.fetch([
      { secretId: 's' },
      { secretId: 's', versionStage: 'AWSPREVIOUS' },
      { secretId: 's', versionStage: 'AWSPENDING' },
      { secretId: 's', versionId: ok(first).versionId },
    ]);
    expect(ok(cur)).toMatchObject({ versionId: v2, versionStages: ['AWSCURRENT'] });
    expect(ok(prev).json()).toEqual({ a: 1 });
    expect(ok(pend).versionId).toBe(pending);
    expect(ok(byId).versionStages).toEqual(['AWSPREVIOUS']);
    m.delete('s');
    const [gone] = await m.fetch([{ secretId: 's' }]);
    expect(gone.ok).toBe(false);
  });
});

describe('ChainSource', () => {
  it('asks the next source for what the first could not serve and marks fallbacks', async () => {
    const primary = new MemorySource({ secrets: { a: 'A' } });
    const env = new EnvSource({ mapping: { b: 'B' }, env: { B: 'from-env' } });
    const chain = new ChainSource([primary, env]);
    expect(chain.name).toBe('chain(memory,env)');
    const [a, b, c] = await chain.fetch([{ secretId: 'a' }, { secretId: 'b' }, { secretId: 'c' }]);
    expect(a).toMatchObject({ ok: true, fallback: false });
    expect(b).toMatchObject({ ok: true, fallback: true });
    expect(ok(b).source).toBe('env');
    expect(c.ok).toBe(false);
  });

  it('reports the most telling error when every source fails', async () => {
    const primary = new MemorySource();
    primary.fail('x', Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const chain = new ChainSource([primary, new EnvSource({ mapping: {}, env: {} })]);
    const [r] = await chain.fetch([{ secretId: 'x' }]);
    expect(!r.ok && r.error.code).toBe('AccessDeniedException');
  });
});
