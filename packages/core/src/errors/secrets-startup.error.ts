import { KeyturnError } from './keyturn.error.js';

/** One required secret that could not be loaded at start-up. */
export interface SecretStartupFailure {
  secretId: string;
  error: KeyturnError;
}

/** `start()` failed: lists every required secret that could not be loaded, with what to check. */
export class SecretsStartupError extends KeyturnError {
  readonly failures: readonly SecretStartupFailure[];

  constructor(failures: readonly SecretStartupFailure[]) {
    const lines = failures.map(({ secretId, error }) => {
      const code = error.code ? ` (${error.code})` : '';
      const hint = error.hint ? `; check ${error.hint}` : '';
      return `  - ${secretId}: ${error.name}${code}${hint}`;
    });
    super(`${failures.length} required secret(s) could not be loaded:\n${lines.join('\n')}`, { code: 'StartupFailed' });
    this.failures = failures;
  }
}
