import type { RotationContext } from '../rotation.types';
import { SecretVersion } from '../secret-version';
import { randomKey } from './random-key.strategy';

const context = (overrides: Partial<RotationContext> = {}): RotationContext =>
  ({
    secretId: 'app/keys',
    token: 't-1',
    step: 'createSecret',
    randomPassword: async () => {
      throw new Error('GetRandomPassword must not be called');
    },
    ...overrides,
  }) as RotationContext;
const version = (value: string) => new SecretVersion('app/keys', 'v-1', ['AWSCURRENT'], value, 'AWSCURRENT');

describe('randomKey', () => {
  it('generates base64url keys of the default 43 characters, different each time', async () => {
    const s = randomKey({ keys: ['a'] });
    const one = JSON.parse(await s.createPendingValue(version('{"a":"x","keep":1}'), context()));
    const two = JSON.parse(await s.createPendingValue(version('{"a":"x","keep":1}'), context()));
    expect(one.a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(one.keep).toBe(1);
    expect(one.a).not.toBe(two.a);
  });

  it('draws from a charset uniformly enough to use every character', async () => {
    const s = randomKey({ encoding: 'password', charset: 'ab', length: 256 });
    const out = await s.createPendingValue(version('plain'), context());
    expect(out).toMatch(/^[ab]{256}$/);
    expect(out).toContain('a');
    expect(out).toContain('b');
  });

  it('passes length and exclude options to GetRandomPassword for encoding "password"', async () => {
    const calls: unknown[] = [];
    const s = randomKey({ encoding: 'password', length: 20, exclude: { excludeNumbers: true } });
    const out = await s.createPendingValue(version('plain'), context({ randomPassword: async (o) => (calls.push(o), 'x'.repeat(20)) }));
    expect(out).toBe('x'.repeat(20));
    expect(calls).toEqual([expect.objectContaining({ passwordLength: 20, excludeNumbers: true, excludeCharacters: '' })]);
  });

  it('rejects invalid options when built', () => {
    expect(() => randomKey({ length: 4 })).toThrow(/length/);
    expect(() => randomKey({ charset: 'abc' })).toThrow(/charset/);
    expect(() => randomKey({ keys: [] })).toThrow(/keys/);
    expect(() => randomKey({ encoding: 'base32' as never })).toThrow(/encoding/);
  });
});
