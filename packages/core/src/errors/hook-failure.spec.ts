import { inspect } from 'node:util';
import { SecretValidationError } from './secret-validation.error.js';
import { wrapHookFailure } from './hook-failure.js';

const CANARY = 'canary-hook-5e1d';

describe('wrapHookFailure', () => {
  it('keeps Keyturn errors and turns foreign ones into a SecretValidationError naming the key path and the class only', () => {
    const own = new SecretValidationError('s', [{ path: 'a', constraints: ['isInt'] }]);
    expect(wrapHookFailure('s', own)).toBe(own);
    const wrapped = wrapHookFailure('app/db', new TypeError(`bad ${CANARY}`), { path: 'password' }) as SecretValidationError;
    expect(wrapped).toBeInstanceOf(SecretValidationError);
    expect(wrapped.issues).toEqual([{ path: 'password', constraints: ['TypeError thrown by the validate/transform hook (message withheld: it may quote the value)'] }]);
    expect(wrapped.cause).toBeUndefined();
    expect(inspect(wrapped) + JSON.stringify(wrapped) + wrapped.message).not.toContain(CANARY);
    expect((wrapHookFailure('s', 'just a string') as SecretValidationError).issues[0]!.path).toBe('(value)');
    expect((wrapHookFailure('s', new RangeError('x'), { by: 'class-transformer' }) as SecretValidationError).issues[0]!.constraints).toEqual(['RangeError thrown by class-transformer (message withheld: it may quote the value)']);
    expect(wrapHookFailure('s', { name: `x ${CANARY}` }).message).not.toContain(CANARY);
  });
});
