import 'reflect-metadata';
import { inspect } from 'node:util';
import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MinLength, ValidateNested } from 'class-validator';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import { SecretValidationError, SecretValue } from '@keyturn/core';
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
const JSON_QUOTED = JSON.stringify(QUOTED_CANARY).slice(1, -1);

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

function expectNoCanary(err: unknown): void {
  expect(err).toBeInstanceOf(SecretValidationError);
  const printed = [(err as Error).message, JSON.stringify((err as SecretValidationError).issues), inspect(err)].join('\n');
  for (const form of [QUOTED_CANARY, JSON_QUOTED, JSON.stringify(QUOTED_CANARY), 'Zq81', 'pw-"']) expect(printed).not.toContain(form);
}
const value = (secretString: string) => new SecretValue({ secretId: 'app/db', versionId: 'v1', source: 'memory', secretString });

/** A Standard Schema that quotes its input in the message (as some validators do). */
const quotingSchema: StandardSchemaV1<unknown, { token: string }> = {
  '~standard': {
    version: 1,
    vendor: 'test',
    validate: (input) => {
      const token = (input as { token?: unknown }).token;
      return typeof token === 'string' && token.startsWith('tok_')
        ? { value: { token } }
        : { issues: [{ message: `expected tok_..., received '${String(token)}'`, path: ['token'] }] };
    },
  },
};

describe('SecretValueTransformer', () => {
  const transformer = new SecretValueTransformer();

  it('turns JSON into a validated class instance', async () => {
    const def = defineSecret('app/db', { schema: DbCredentials });
    const out = await transformer.transform(def, value(JSON.stringify({ username: 'app', password: 'long-enough-pw', pool: { max: 10 } })));
    expect(out).toBeInstanceOf(DbCredentials);
    expect(out.pool).toBeInstanceOf(Pool);
    expect(out.password).toBe('long-enough-pw');
  });

  it('lists nested key paths and constraints, never values', async () => {
    const def = defineSecret('app/db', { schema: DbCredentials });
    const err: unknown = await transformer
      .transform(def, value(JSON.stringify({ username: 7, password: CANARY.slice(0, 8), pool: { max: 500 } })))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretValidationError);
    const issues = (err as SecretValidationError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['password', 'pool.max', 'username']);
    expect(issues.find((i) => i.path === 'pool.max')!.constraints.join()).toMatch(/^max:/);
    expect((err as Error).message).toContain('app/db');
    expect(JSON.stringify(issues) + (err as Error).message).not.toContain(CANARY.slice(0, 8));
  });

  it('validates a Standard Schema and removes quoted input from messages', async () => {
    const def = defineSecret('app/stripe', { schema: quotingSchema });
    await expect(transformer.transform(def, value(JSON.stringify({ token: 'tok_abc' })))).resolves.toEqual({ token: 'tok_abc' });
    const err = (await transformer.transform(def, value(JSON.stringify({ token: CANARY }))).catch((e: unknown) => e)) as SecretValidationError;
    expect(err.issues).toEqual([{ path: 'token', constraints: ["expected tok_..., received '[redacted]'"] }]);
    expect(err.message).not.toContain(CANARY);
  });

  it('picks a JSON key and requires a string without a schema', async () => {
    const key = defineSecret('app/db', { key: 'password' });
    await expect(transformer.transform(key, value(JSON.stringify({ password: 'pw' })))).resolves.toBe('pw');
    const err = (await transformer.transform(key, value(JSON.stringify({ password: 5 }))).catch((e: unknown) => e)) as SecretValidationError;
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

  it('scrubs a value with quotes and backslashes quoted as JSON by a class-validator message', async () => {
    const def = defineSecret('app/db', { schema: QuotingClass });
    const err = await transformer.transform(def, value(JSON.stringify({ password: QUOTED_CANARY }))).catch((e: unknown) => e);
    expectNoCanary(err);
    expect((err as SecretValidationError).issues).toEqual([{ path: 'password', constraints: ['minLength: password [redacted] is too short'] }]);
  });

  it('builds Standard Schema constraints from the check names when the vendor gives them (valibot-style)', async () => {
    const def = defineSecret('app/stripe', { schema: valibotLike });
    const err = await transformer.transform(def, value(JSON.stringify({ nested: { token: QUOTED_CANARY } }))).catch((e: unknown) => e);
    expectNoCanary(err);
    expect((err as SecretValidationError).issues).toEqual([{ path: 'nested.token', constraints: ['regex (expected /^tok_/)', 'starts_with (expected "tok_")'] }]);
  });

  it('scrubs raw, JSON-quoted and JSON-escaped forms from Standard Schema messages', async () => {
    const def = defineSecret('app/stripe', { schema: messageOnly });
    const err = await transformer.transform(def, value(JSON.stringify({ token: QUOTED_CANARY, port: 54321 }))).catch((e: unknown) => e);
    expectNoCanary(err);
    expect((err as Error).message).not.toContain('54321');
    expect((err as SecretValidationError).issues).toEqual([{ path: 'token', constraints: ['expected tok_..., received [redacted] in [redacted]'] }]);
  });
});
