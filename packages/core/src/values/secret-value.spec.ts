import { inspect } from 'node:util';
import { SecretKeyMissingError } from '../errors/secret-key-missing.error.js';
import { SecretKindError } from '../errors/secret-kind.error.js';
import { SecretParseError } from '../errors/secret-parse.error.js';
import { SecretValue } from './secret-value.js';

const V = '0123456789abcdef0123456789abcdef';
const make = (s: string) => new SecretValue({ secretId: 'app/db', versionId: V, source: 'memory', secretString: s });

describe('SecretValue', () => {
  it('parses JSON once per version and freezes the result', () => {
    const parse = jest.spyOn(JSON, 'parse');
    const v = make('{"user":"u","nested":{"a":1}}');
    const first = v.json<{ user: string; nested: { a: number } }>();
    expect(v.json()).toBe(first);
    expect(v.field('user')).toBe('u');
    expect(parse).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first.nested)).toBe(true);
    parse.mockRestore();
  });

  it('invalid JSON: SecretParseError names the secret and never quotes the value', () => {
    const v = make('{"password": "hunter2-CANARY"');
    expect(() => v.json()).toThrow(SecretParseError);
    try {
      v.json();
    } catch (e) {
      expect((e as Error).message).toBe(`Secret "app/db" (version ${V}) is not valid JSON`);
      expect((e as Error).cause).toBeUndefined();
      expect(inspect(e)).not.toContain('CANARY');
    }
    expect.assertions(4);
  });

  it('field() names the secret and key; reveal() copies binary', () => {
    expect(() => make('{"a":1}').field('password')).toThrow(SecretKeyMissingError);
    expect(() => make('{"a":1}').field('password')).toThrow('Secret "app/db" (version 0123456789abcdef0123456789abcdef) has no JSON key "password"');
    expect(() => make('[1]').field('0')).toThrow(SecretKeyMissingError);
    expect(make('{"a":1}').hasField('a')).toBe(true);
    const bin = new SecretValue({ secretId: 'b', versionId: V, source: 'aws', secretBinary: new Uint8Array([1, 2, 3]) });
    expect(bin.kind).toBe('binary');
    const raw = bin.reveal() as Uint8Array;
    raw[0] = 9;
    expect([...(bin.reveal() as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it('parses and freezes JSON nested 200,000 levels deep (no recursion overflow)', () => {
    const depth = 200_000;
    const v = make('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    let node = v.json<Record<string, unknown>>();
    for (let i = 0; i < depth - 1; i++) node = node.a as Record<string, unknown>;
    expect(node).toEqual({ a: 1 });
    expect(Object.isFrozen(node)).toBe(true);
    const arrays = make('['.repeat(depth) + ']'.repeat(depth));
    expect(Array.isArray(arrays.json())).toBe(true);
  });

  it('decodes binary secrets as UTF-8 for text() and json(), and rejects invalid UTF-8 with a clear error', () => {
    const bin = (bytes: Uint8Array) => new SecretValue({ secretId: 'b', versionId: V, source: 'aws', secretBinary: bytes });
    expect(bin(new TextEncoder().encode('{"k":"välue"}')).json()).toEqual({ k: 'välue' });
    expect(bin(new TextEncoder().encode('plain')).text()).toBe('plain');
    // 0xff never occurs in UTF-8: a lenient decoder would turn it into U+FFFD and pass it on.
    const invalid = bin(new Uint8Array([0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]));
    expect(() => invalid.json()).toThrow(SecretKindError);
    expect(() => invalid.json()).toThrow(`Secret "b" (version ${V}) is binary (SecretBinary) and not valid UTF-8 text; read its bytes with reveal()`);
    expect(() => invalid.text()).toThrow(SecretKindError);
    expect(() => invalid.field('k')).toThrow(SecretKindError);
  });

  it('is immutable', () => {
    const v = make('x');
    expect(Object.isFrozen(v)).toBe(true);
    expect(() => {
      (v as { versionId: string }).versionId = 'other';
    }).toThrow(TypeError);
  });
});
