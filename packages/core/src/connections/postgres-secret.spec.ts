import { inspect } from 'node:util';
import { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';
import { parsePostgresSecret } from './postgres-secret.js';

describe('parsePostgresSecret', () => {
  it('reads the RDS shape (engine ignored, dbname, port as string) and hides the password', () => {
    const c = parsePostgresSecret(
      JSON.stringify({ engine: 'postgres', host: 'db', port: '5433', dbname: 'orders', username: 'app', password: 'pw-canary', masterarn: 'arn:x' }),
      'db/main',
    );
    expect(c).toEqual({ host: 'db', port: 5433, database: 'orders', username: 'app', ssl: undefined, engine: 'postgres' });
    expect(c.password).toBe('pw-canary');
    expect(JSON.stringify(c)).not.toContain('pw-canary');
    expect(inspect(c)).not.toContain('pw-canary');
  });

  it('defaults port 5432 and database postgres; accepts `database` and ssl "true"', () => {
    expect(parsePostgresSecret({ host: 'h', username: 'u', password: 'p' }, 's')).toMatchObject({ port: 5432, database: 'postgres' });
    expect(parsePostgresSecret({ host: 'h', username: 'u', password: 'p', database: 'd', ssl: 'true' }, 's')).toMatchObject({ database: 'd', ssl: true });
  });

  it('names the secret and the missing keys, never a value', () => {
    let error: InvalidConnectionSecretError | undefined;
    try {
      parsePostgresSecret({ host: 'h', password: 'pw-canary' }, 'db/main');
    } catch (e) {
      error = e as InvalidConnectionSecretError;
    }
    expect(error).toBeInstanceOf(InvalidConnectionSecretError);
    expect(error?.message).toContain('"db/main"');
    expect(error?.keys).toEqual(['username']);
    expect(error?.message).not.toContain('pw-canary');
    expect(() => parsePostgresSecret('not json pw-canary', 'db/main')).toThrow(/"db\/main" .*not JSON/);
    expect(() => parsePostgresSecret({ host: 'h', username: 'u', password: 'p', port: 'x' }, 'db/main')).toThrow(/port/);
  });

  it('reads ssl as true, false or not stated', () => {
    const base = { host: 'h', username: 'u', password: 'p' };
    expect([true, 'true', false, 'false', undefined, 'yes'].map((ssl) => parsePostgresSecret({ ...base, ssl }, 's').ssl)).toEqual([true, true, false, false, undefined, undefined]);
  });

  it('refuses an empty password and a non-PostgreSQL engine, naming the key', () => {
    expect(() => parsePostgresSecret({ host: 'h', username: 'u', password: '' }, 'db/main')).toThrow(/"db\/main" .*missing key\(s\) password/);
    for (const engine of ['postgres', 'postgresql', 'aurora-postgresql']) expect(parsePostgresSecret({ host: 'h', username: 'u', password: 'p', engine }, 's').engine).toBe(engine);
    let error: InvalidConnectionSecretError | undefined;
    try {
      parsePostgresSecret({ host: 'h', username: 'u', password: 'pw-canary', engine: 'mysql' }, 'db/main');
    } catch (e) {
      error = e as InvalidConnectionSecretError;
    }
    expect(error?.keys).toEqual(['engine']);
    expect(error?.message).not.toContain('pw-canary');
  });
});
