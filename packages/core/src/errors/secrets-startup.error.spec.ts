import { inspect } from 'node:util';
import { MemorySource } from '../sources/memory.source.js';
import { SecretStore } from '../store/secret-store.js';
import { SecretNotFoundError } from './secret-not-found.error.js';
import { SecretValidationError } from './secret-validation.error.js';
import { SecretsStartupError } from './secrets-startup.error.js';

const CANARY = 'canary-Zq81-never-print-me';

describe('SecretsStartupError', () => {
  it('lists the key paths and constraints of a validation failure under its secret', () => {
    const err = new SecretsStartupError([
      {
        secretId: 'app/db',
        error: new SecretValidationError('app/db', [
          { path: 'password', constraints: ['minLength', 'isString'] },
          { path: 'port', constraints: ['isInt'] },
        ], { hint: 'the value against its schema' }),
      },
      { secretId: 'app/jwt', error: new SecretNotFoundError('Secret "app/jwt" was not found', { secretId: 'app/jwt', code: 'ResourceNotFoundException', hint: 'the secret name' }) },
    ]);
    expect(err.message.split('\n')).toEqual([
      '2 required secret(s) could not be loaded:',
      '  - app/db: SecretValidationError (ValidationFailed); check the value against its schema',
      '      password: minLength, isString',
      '      port: isInt',
      '  - app/jwt: SecretNotFoundError (ResourceNotFoundException); check the secret name',
    ]);
  });

  it('names the whole value when an issue has no path', () => {
    const err = new SecretsStartupError([{ secretId: 's', error: new SecretValidationError('s', [{ path: '', constraints: ['TypeError thrown by the validate/transform hook'] }]) }]);
    expect(err.message).toContain('\n      (value): TypeError thrown by the validate/transform hook');
  });

  it('reads the issues of a validation error from another copy of the package', () => {
    class ForeignValidationError extends Error {
      code = 'ValidationFailed';
      issues = [{ path: 'apiKey', constraints: ['pattern'] }];
    }
    const err = new SecretsStartupError([{ secretId: 'k', error: new ForeignValidationError('invalid') as unknown as SecretValidationError }]);
    expect(err.message).toContain('\n      apiKey: pattern');
  });

  it('start() lists paths and constraints of invalid values and never the value', async () => {
    const store = new SecretStore({
      sources: new MemorySource({ secrets: { 'app/db': { username: 'app', password: CANARY } } }),
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { openTelemetry: false },
    });
    store.register({
      ref: 'app/db',
      validate: (v) => {
        const password = String(v.field('password'));
        if (password.length < 40) throw new SecretValidationError(v.secretId, [{ path: 'password', constraints: ['minLength 40'] }]);
        return v;
      },
    });
    const err = await store.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect((err as Error).message).toContain('  - app/db: SecretValidationError (ValidationFailed)\n      password: minLength 40');
    for (const text of [(err as Error).message, inspect(err, { depth: 5 }), JSON.stringify(err)]) expect(text).not.toContain(CANARY);
    await store.stop();
  });
});
