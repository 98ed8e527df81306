import { KeyturnError } from './keyturn.error.js';
import type { SecretValidationIssue } from './secret-validation.error.js';

/** One required secret that could not be loaded at start-up. */
export interface SecretStartupFailure {
  secretId: string;
  error: KeyturnError;
}

/**
 * `start()` failed: lists every required secret that could not be loaded, with its error class and
 * code, what to check, and for invalid values the failing key paths and constraints (never a value).
 */
export class SecretsStartupError extends KeyturnError {
  readonly failures: readonly SecretStartupFailure[];

  constructor(failures: readonly SecretStartupFailure[]) {
    super(`${failures.length} required secret(s) could not be loaded:\n${failures.map(describeFailure).join('\n')}`, { code: 'StartupFailed' });
    this.failures = failures;
  }
}

/** `  - id: ErrorName (code); check hint`, then one line per failing key path of an invalid value. */
function describeFailure({ secretId, error }: SecretStartupFailure): string {
  const code = error.code ? ` (${error.code})` : '';
  const hint = error.hint ? `; check ${error.hint}` : '';
  const issues = validationIssues(error).map((i) => `\n      ${i.path || '(value)'}: ${i.constraints.join(', ')}`).join('');
  return `  - ${secretId}: ${error.name}${code}${hint}${issues}`;
}

/**
 * The issues of a SecretValidationError. Read structurally, so an error from another copy of this
 * package (CJS and ESM builds loaded side by side) still lists its paths.
 */
function validationIssues(error: KeyturnError): readonly SecretValidationIssue[] {
  const issues = (error as { issues?: unknown }).issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter((i): i is SecretValidationIssue => typeof i === 'object' && i !== null && typeof i.path === 'string' && Array.isArray(i.constraints));
}
