import { KeyturnError } from './keyturn.error.js';
import { SecretValidationError } from './secret-validation.error.js';

/**
 * A failure of a user hook (validate/transform, a schema, a class-transformer conversion) as a
 * KeyturnError. Keyturn's own errors pass through; any other error is replaced by a
 * SecretValidationError that keeps the error's class name only, at `path` when the failure is
 * known to concern one key (the JSON key of the reference, a property), since a foreign error's
 * message may quote the value and its other properties are not known. Every path that runs hooks
 * (start-up, refresh, `fetchVersion`, the config loader) reports through this one function.
 * @param at.path the key path the failure concerns (default `(value)`)
 * @param at.by what threw, when not the hook itself (e.g. `class-transformer`)
 */
export function wrapHookFailure(secretId: string, error: unknown, at: { path?: string; by?: string } = {}): KeyturnError {
  if (error instanceof KeyturnError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  // A class name, not free text: anything else could carry a value.
  const className = typeof name === 'string' && /^[A-Za-z_$][\w$]{0,63}$/.test(name) ? name : 'Error';
  return new SecretValidationError(secretId, [{ path: at.path || '(value)', constraints: [`${className} thrown by ${at.by ?? 'the validate/transform hook'} (message withheld: it may quote the value)`] }]);
}
