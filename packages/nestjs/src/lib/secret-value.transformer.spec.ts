import 'reflect-metadata';
import { inspect } from 'node:util';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, MaxLength, MinLength, ValidateNested } from 'class-validator';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SecretKindError, SecretValidationError, SecretValue } from '@keyturn/core';
import { defineSecret } from './define-secret';
import { SecretValueTransformer } from './secret-value.transformer';

class Pool {
  @IsInt() @Max(50) max!: number;
}
class DbCredentials {
  @IsString() username!: string;
  @IsString() @MinLength(12) password!: string;
  @ValidateNested() @Type(() => Pool) pool!: Pool;
}

const CANARY = 'canary-Zq81-value';
/** A value whose JSON form differs from its raw form: quotes and backslashes are escaped. */
const QUOTED_CANARY = `pw-"Zq81"-back\\slash-'x'-${'\\'}n-end`;

class QuotingClass {
  @MinLength(64, { message: (args) => `password ${JSON.stringify(args.value)} is too short` }) password!: string;
}

/** Valibot-style issues: the message quotes the input with JSON.stringify, and the issue names the check. */
const valibotLike: StandardSchemaV1<unknown, { token: string }> = {
  '~standard': {
    version: 1,
    vendor: 'valibot-like',
    validate: (input) => {
      const token = (input as { nested: { token: string } }).nested.token;
      // Vendors may add fields beyond the spec's `message` and `path` (valibot adds kind/type/expected/received).
      const issues: (StandardSchemaV1.Issue & Record<string, unknown>)[] = [
        { kind: 'validation', type: 'regex', expected: '/^tok_/', received: JSON.stringify(token), message: `Invalid format: Expected /^tok_/ but received ${JSON.stringify(token)}`, path: ['nested', 'token'] },
        { kind: 'validation', type: 'starts_with', expected: '"tok_"', received: JSON.stringify(token.slice(0, 4)), message: `Invalid start: Expected "tok_" but received ${JSON.stringify(token.slice(0, 4))}`, path: ['nested', 'token'] },
      ];
      return { issues };
    },
  },
};

/** A Standard Schema with only messages (what the spec guarantees), quoting the input as JSON. */
const messageOnly: StandardSchemaV1<unknown, { token: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (input) => ({ issues: [{ message: `expected tok_..., received ${JSON.stringify((input as { token: string }).token)} in ${JSON.stringify(input)}`, path: ['token'] }] }),
  },
};

/** Everything an error about a secret prints, in every common form. */
const printed = (err: unknown) => [(err as Error).message, JSON.stringify((err as SecretValidationError).issues), JSON.stringify(err), inspect(err, { depth: 30, showHidden: true })].join('\n');

function expectNoValue(err: unknown, ...values: string[]): void {
  expect(err).toBeInstanceOf(SecretValidationError);
  const all = printed(err);
  for (const v of values) for (const form of [v, JSON.stringify(v), JSON.stringify(v).slice(1, -1), inspect(v)]) expect(all).not.toContain(form);
}
const value = (secretString: string) => new SecretValue({ secretId: 'app/db', versionId: 'v1', source: 'memory', secretString });
const failure = (p: Promise<unknown>) => p.then(() => new Error('expected a validation failure'), (e: unknown) => e);

/** `{ a: { a: ... { leaf } } }`, `depth` levels of `a` above the leaf object. */
function nest(depth: number, leaf: Record<string, unknown>): Record<string, unknown> {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = { a: node };
  return node;
}
/** Classes nested `depth` levels (each with @ValidateNested), the innermost validating `secret` with a `$value` message. */
function nestedClasses(depth: number): new () => object {
  class Leaf {
    @MinLength(64, { message: 'secret $value is too short' }) secret!: string;
  }
  let inner: new () => object = Leaf;
  for (let i = 0; i < depth; i++) {
    const child = inner;
    class Level {
      @ValidateNested() @Type(() => child) a!: object;
    }
    inner = Level;
  }
  return inner;
}

describe('SecretValueTransformer', () => {
  const transformer = new SecretValueTransformer();

  it('turns JSON into a validated class instance', async () => {
    const def = defineSecret('app/db', { schema: DbCredentials });
    const out = await transformer.transform(def, value(JSON.stringify({ username: 'app', password: 'long-enough-pw', pool: { max: 10 } })));
    expect(out).toBeInstanceOf(DbCredentials);
    expect(out.pool).toBeInstanceOf(Pool);
    expect(out.password).toBe('long-enough-pw');
  });

  it('lists nested key paths and each constraint with its own arguments, never values', async () => {
    const def = defineSecret('app/db', { schema: DbCredentials });
    const err = await failure(transformer.transform(def, value(JSON.stringify({ username: 7, password: CANARY.slice(0, 8), pool: { max: 500 } }))));
    expect(err).toBeInstanceOf(SecretValidationError);
    expect([...(err as SecretValidationError).issues].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { path: 'password', constraints: ['minLength 12'] },
      { path: 'pool.max', constraints: ['max 50'] },
      { path: 'username', constraints: ['isString'] },
    ]);
    expect((err as Error).message).toContain('app/db');
    expectNoValue(err, CANARY.slice(0, 8));
  });

  it('formats regular expressions, lists and several constraints of one property', async () => {
    class Shapes {
      @Matches(/^tok_[a-z]+$/i) @MaxLength(4) token!: string;
      @IsIn(['eu-west-1', 'us-east-1']) region!: string;
    }
    const err = (await failure(transformer.transform(defineSecret('app/x', { schema: Shapes }), value(JSON.stringify({ token: CANARY, region: CANARY }))))) as SecretValidationError;
    expect(err.issues).toEqual([
      { path: 'token', constraints: ['maxLength 4', 'matches /^tok_[a-z]+$/i'] },
      { path: 'region', constraints: ['isIn ["eu-west-1","us-east-1"]'] },
    ]);
    expectNoValue(err, CANARY);
  });

  it('shows custom messages without $value (placeholders for constraints and property filled in); replaces the others by the constraint', async () => {
    class Messages {
      @MinLength(20, { message: '$property needs at least $constraint1 characters (see the runbook)' }) apiKey!: string;
      @MinLength(20, { message: 'got "$value", need $constraint1' }) token!: string;
      @MinLength(20, { message: (args) => `got ${String(args.value)}` }) secret!: string;
    }
    const err = (await failure(transformer.transform(defineSecret('app/x', { schema: Messages }), value(JSON.stringify({ apiKey: CANARY, token: CANARY, secret: CANARY }))))) as SecretValidationError;
    expect(err.issues).toEqual([
      { path: 'apiKey', constraints: ['minLength: apiKey needs at least 20 characters (see the runbook)'] },
      { path: 'token', constraints: ['minLength 20'] },
      { path: 'secret', constraints: ['minLength 20'] },
    ]);
    expectNoValue(err, CANARY);
  });

  it('replaces a message function that quotes a value with quotes and backslashes by the constraint', async () => {
    const err = await failure(transformer.transform(defineSecret('app/db', { schema: QuotingClass }), value(JSON.stringify({ password: QUOTED_CANARY }))));
    expectNoValue(err, QUOTED_CANARY, 'Zq81');
    expect((err as SecretValidationError).issues).toEqual([{ path: 'password', constraints: ['minLength 64'] }]);
  });

  it('does not mangle constraints that share words with the input', async () => {
    class Region {
      @IsString() region!: string;
      @MinLength(12) password!: string;
    }
    const err = (await failure(transformer.transform(defineSecret('app/db', { schema: Region }), value(JSON.stringify({ region: 'than', password: 'short' }))))) as SecretValidationError;
    expect(err.issues).toEqual([{ path: 'password', constraints: ['minLength 12'] }]);
  });

  it('names the index of each failing array item, once per item, in linear time', async () => {
    class Item {
      @MinLength(12) key!: string;
    }
    class Keys {
      @ValidateNested({ each: true }) @Type(() => Item) keys!: Item[];
    }
    const items = Array.from({ length: 3 }, (_, i) => ({ key: `${CANARY}${i}`.slice(0, 11) }));
    const err = (await failure(transformer.transform(defineSecret('app/keys', { schema: Keys }), value(JSON.stringify({ keys: [...items, 'not-an-object'] }))))) as SecretValidationError;
    expect(err.issues).toEqual([
      { path: 'keys.0.key', constraints: ['minLength 12'] },
      { path: 'keys.1.key', constraints: ['minLength 12'] },
      { path: 'keys.2.key', constraints: ['minLength 12'] },
      // The message @ValidateNested writes for itself (names the property, never a value).
      { path: 'keys.3', constraints: ['nestedValidation: each value in nested property keys must be either object or array'] },
    ]);
  });

  it('builds Standard Schema constraints from the check names when the vendor gives them (valibot-style)', async () => {
    const err = await failure(transformer.transform(defineSecret('app/stripe', { schema: valibotLike }), value(JSON.stringify({ nested: { token: QUOTED_CANARY } }))));
    expectNoValue(err, QUOTED_CANARY, 'Zq81');
    expect((err as SecretValidationError).issues).toEqual([{ path: 'nested.token', constraints: ['regex (expected /^tok_/)', 'starts_with (expected "tok_")'] }]);
  });

  it('withholds Standard Schema messages that name no check', async () => {
    const err = await failure(transformer.transform(defineSecret('app/stripe', { schema: messageOnly }), value(JSON.stringify({ token: QUOTED_CANARY, port: 54321 }))));
    expectNoValue(err, QUOTED_CANARY, 'Zq81', '54321');
    expect((err as SecretValidationError).issues).toEqual([{ path: 'token', constraints: ['invalid (test gave no check name; its message is withheld as it may quote the value)'] }]);
  });

  it('picks a JSON key and requires a string without a schema', async () => {
    const key = defineSecret('app/db', { key: 'password' });
    await expect(transformer.transform(key, value(JSON.stringify({ password: 'pw' })))).resolves.toBe('pw');
    const err = (await failure(transformer.transform(key, value(JSON.stringify({ password: 5 }))))) as SecretValidationError;
    expect(err.issues[0]!.path).toBe('password');
    await expect(transformer.transform(defineSecret('app/plain'), value('plain text'))).resolves.toBe('plain text');
  });

  it('prints validated objects without values', async () => {
    const def = defineSecret('app/db', { schema: DbCredentials });
    const out = await transformer.transform(def, value(JSON.stringify({ username: 'app', password: CANARY, pool: { max: 1 } })));
    expect(JSON.stringify(out)).not.toContain(CANARY);
    expect(inspect(out)).not.toContain(CANARY);
    expect(JSON.parse(JSON.stringify(out))).toEqual({ username: '[redacted]', password: '[redacted]', pool: '[redacted]' });
    expect({ ...out }.password).toBe(CANARY);
  });

  describe('leaks of the former scrub (messages cleaned after the fact)', () => {
    it('a $value message nested 10 levels deep (class schema)', async () => {
      const schema = nestedClasses(10);
      const err = await failure(transformer.transform(defineSecret('app/deep', { schema }), value(JSON.stringify(nest(10, { secret: CANARY })))));
      expectNoValue(err, CANARY);
      expect((err as SecretValidationError).issues).toEqual([{ path: `${'a.'.repeat(10)}secret`, constraints: ['minLength 64'] }]);
    });

    it('a Standard Schema message quoting a value nested 10 levels deep', async () => {
      const deepQuoting: StandardSchemaV1<unknown, unknown> = {
        '~standard': {
          version: 1,
          vendor: 'test',
          validate: (input) => {
            let node = input as Record<string, unknown>;
            const path: string[] = [];
            while (typeof node.a === 'object') {
              node = node.a as Record<string, unknown>;
              path.push('a');
            }
            return { issues: [{ message: `secret "${String(node.secret)}" is too short`, path: [...path, 'secret'] }] };
          },
        },
      };
      const err = await failure(transformer.transform(defineSecret('app/deep', { schema: deepQuoting }), value(JSON.stringify(nest(10, { secret: CANARY })))));
      expectNoValue(err, CANARY);
    });

    it('a value changed by @Transform before a $value message quotes it', async () => {
      class Trimmed {
        @Transform(({ value: v }: { value: unknown }) => (typeof v === 'string' ? v.trim() : v))
        @MinLength(64, { message: 'password "$value" too short' })
        password!: string;
      }
      const err = await failure(transformer.transform(defineSecret('app/db', { schema: Trimmed }), value(JSON.stringify({ password: `  ${CANARY}  ` }))));
      expectNoValue(err, CANARY);
      expect((err as SecretValidationError).issues).toEqual([{ path: 'password', constraints: ['minLength 64'] }]);
    });

    it('a value converted by @Type(() => Number) before a $value message quotes it', async () => {
      class Pin {
        @Type(() => Number) @Max(10, { message: 'pin $value too large' }) pin!: number;
      }
      const err = await failure(transformer.transform(defineSecret('app/pin', { schema: Pin }), value(JSON.stringify({ pin: '0987654' }))));
      expectNoValue(err, '987654');
      expect((err as SecretValidationError).issues).toEqual([{ path: 'pin', constraints: ['max 10'] }]);
    });

    it('a Standard Schema that returns its (frozen) input prints key names only', async () => {
      const identity: StandardSchemaV1<unknown, { password: string; nested: { token: string } }> = {
        '~standard': { version: 1, vendor: 'test', validate: (input) => ({ value: input as { password: string; nested: { token: string } } }) },
      };
      const out = await transformer.transform(defineSecret('app/id', { schema: identity }), value(JSON.stringify({ password: CANARY, nested: { token: CANARY } })));
      expect(out.password).toBe(CANARY);
      expect(out.nested.token).toBe(CANARY);
      expect(Object.isFrozen(out)).toBe(true);
      for (const p of [inspect(out), inspect(out, { showHidden: true, depth: 10 }), JSON.stringify(out), JSON.stringify({ out }), String(inspect([out]))]) expect(p).not.toContain(CANARY);
      expect(JSON.parse(JSON.stringify(out))).toEqual({ password: '[redacted]', nested: '[redacted]' });
    });

    it('a JSON key holding an object, frozen by json(), prints key names only', async () => {
      const out = await transformer.transform(
        defineSecret('app/id', { key: 'db', schema: { '~standard': { version: 1, vendor: 'test', validate: (input: unknown) => ({ value: input as { password: string } }) } } }),
        value(JSON.stringify({ db: { password: CANARY } })),
      );
      expect(inspect(out) + JSON.stringify(out)).not.toContain(CANARY);
    });
  });

  describe('unusual values', () => {
    it('names the key path of a nested "constructor" key that class-transformer cannot convert', async () => {
      class Loose {
        @IsString() name!: string;
      }
      const err = (await failure(transformer.transform(defineSecret('app/x', { schema: Loose }), value(JSON.stringify({ name: 'n', extra: { inner: { constructor: CANARY } } }))))) as SecretValidationError;
      expect(err).toBeInstanceOf(SecretValidationError);
      expect(err.issues).toEqual([{ path: 'extra.inner.constructor', constraints: [expect.stringMatching(/^TypeError thrown by class-transformer/)] }]);
      expectNoValue(err, CANARY);
    });

    it('reports nesting deeper than the class-schema limit at its key path, without overflowing the stack', async () => {
      class Loose {
        @IsString() name!: string;
      }
      const deep = `{"name":"n","deep":${'{"a":'.repeat(100_000)}{"secret":"${CANARY}"}${'}'.repeat(100_000)}}`;
      const err = (await failure(transformer.transform(defineSecret('app/x', { schema: Loose }), value(deep)))) as SecretValidationError;
      expect(err).toBeInstanceOf(SecretValidationError);
      expect(err.issues).toHaveLength(1);
      expect(err.issues[0]!.path).toMatch(/^deep\.a\.a\..*\.a$/);
      expect(err.issues[0]!.constraints).toEqual([expect.stringMatching(/^maxDepth \d+/)]);
      expectNoValue(err, CANARY);
    });

    it('wraps a foreign error thrown by a Standard Schema, naming the JSON key', async () => {
      const throwing: StandardSchemaV1<unknown, string> = {
        '~standard': { version: 1, vendor: 'test', validate: (input) => { throw new Error(`token too short: ${String(input)}`); } },
      };
      const err = (await failure(transformer.transform(defineSecret('app/x', { key: 'token', schema: throwing }), value(JSON.stringify({ token: CANARY }))))) as SecretValidationError;
      expect(err.issues).toEqual([{ path: 'token', constraints: ['Error thrown by the validate/transform hook (message withheld: it may quote the value)'] }]);
      expectNoValue(err, CANARY);
    });

    it('reads a binary secret as bytes with { binary: true }; as text only when it is UTF-8', async () => {
      const bytes = new Uint8Array([0xde, 0xad, 0xbe, 0xef]);
      const bin = new SecretValue({ secretId: 'app/bin', versionId: 'v1', source: 'memory', secretBinary: bytes });
      const out = await transformer.transform(defineSecret('app/bin', { binary: true }), bin);
      expect(out).toBeInstanceOf(Uint8Array);
      expect([...out]).toEqual([0xde, 0xad, 0xbe, 0xef]);
      expect(inspect(out)).not.toMatch(/222|0xde|de ad/i);
      expect(JSON.stringify(out)).not.toContain('222');
      const err = (await failure(transformer.transform(defineSecret('app/bin'), bin))) as SecretKindError;
      expect(err).toBeInstanceOf(SecretKindError);
      expect(err.code).toBe('InvalidUtf8');
      expect(err.message).toContain('binary: true');
      expect(err.message).not.toContain('reveal()');
      const utf8 = new SecretValue({ secretId: 'app/bin', versionId: 'v1', source: 'memory', secretBinary: new TextEncoder().encode('text') });
      await expect(transformer.transform(defineSecret('app/bin'), utf8)).resolves.toBe('text');
      const fromString = await transformer.transform(defineSecret('app/bin', { binary: true }), value('abc'));
      expect([...fromString]).toEqual([97, 98, 99]);
    });
  });
});
