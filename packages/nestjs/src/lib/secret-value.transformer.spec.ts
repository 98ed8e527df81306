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
});
