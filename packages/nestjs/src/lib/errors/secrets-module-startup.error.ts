import { SecretsStartupError, SecretValidationError, type SecretStartupFailure } from '@keyturn/core';

/**
 * Start-up failed: one error listing every required secret that could not be loaded, with its id,
 * the failing key paths and constraints (for invalid values) or what to check (IAM action, env var),
 * and never a value. Still an instance of core's `SecretsStartupError`.
 */
export class SecretsModuleStartupError extends SecretsStartupError {
  constructor(failures: readonly SecretStartupFailure[]) {
    super(failures);
    this.message = `${failures.length} required secret(s) could not be loaded; the application did not start:\n${failures.map(describe).join('\n')}`;
  }
}

function describe({ secretId, error }: SecretStartupFailure): string {
  const hint = error.hint ? `\n      check: ${error.hint}` : '';
  if (error instanceof SecretValidationError) {
    const issues = error.issues.map((i) => `\n      ${i.path || '(value)'}: ${i.constraints.join('; ')}`).join('');
    return `  - ${secretId}: invalid value (${error.code ?? error.name})${issues}${hint}`;
  }
  // Core error messages name the secret and the action to check, never the value.
  return `  - ${secretId}: ${error.code ?? error.name}: ${error.message}${hint}`;
}
