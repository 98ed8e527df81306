import { AMBIGUOUS_OR_UNSAFE, generateValue, parseGenerateAssignments, parseGeneratorSpec } from './generate';
import { UsageError } from './errors/usage-error';

describe('generator specs', () => {
  it('parses kinds, sizes and aliases', () => {
    expect(parseGeneratorSpec('password')).toMatchObject({ kind: 'password', size: 32 });
    expect(parseGeneratorSpec('password:40')).toMatchObject({ kind: 'password', size: 40 });
    expect(parseGeneratorSpec('hex:32')).toMatchObject({ kind: 'hex', size: 32 });
    expect(parseGeneratorSpec('key32')).toMatchObject({ kind: 'base64url', size: 32 });
    expect(parseGeneratorSpec('base64')).toMatchObject({ kind: 'base64', size: 32 });
    expect(parseGeneratorSpec('uuid')).toMatchObject({ kind: 'uuid' });
  });

  it('refuses unknown kinds and sizes below the secure minimum', () => {
    expect(() => parseGeneratorSpec('pin:4')).toThrow(UsageError);
    expect(() => parseGeneratorSpec('password:12')).toThrow(/between 24 and 4096/);
    expect(() => parseGeneratorSpec('hex:8')).toThrow(/between 16/);
    expect(() => parseGeneratorSpec('uuid:3')).toThrow(UsageError);
  });

  it('makes passwords of the requested length from every class, without ambiguous characters', () => {
    for (let i = 0; i < 200; i++) {
      const p = generateValue('password:24');
      expect([...p]).toHaveLength(24);
      for (const c of AMBIGUOUS_OR_UNSAFE) expect(p).not.toContain(c);
      expect(p).toMatch(/[A-Z]/);
      expect(p).toMatch(/[a-z]/);
      expect(p).toMatch(/[2-9]/);
      expect(p).toMatch(/[!*+\-=^_~]/);
    }
  });

  it('encodes random bytes and differs on every call', () => {
    expect(generateValue('hex:32')).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(generateValue('base64:32'), 'base64')).toHaveLength(32);
    expect(Buffer.from(generateValue('key32'), 'base64url')).toHaveLength(32);
    expect(generateValue('uuid')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const seen = new Set(Array.from({ length: 50 }, () => generateValue('alnum')));
    expect(seen.size).toBe(50);
  });

  it('parses key=spec assignments and rejects duplicates', () => {
    expect(parseGenerateAssignments(['password=password', 'token=hex:32']).map((a) => [a.key, a.spec.kind])).toEqual([
      ['password', 'password'],
      ['token', 'hex'],
    ]);
    expect(() => parseGenerateAssignments(['a=uuid', 'a=hex'])).toThrow(/twice/);
    expect(() => parseGenerateAssignments(['password'])).toThrow(/key=spec/);
  });
});
