import { KeyturnError, type KeyturnErrorOptions } from './keyturn.error.js';

/** One failed constraint: a property path and the constraint names or messages (never the value). */
export interface SecretValidationIssue {
  path: string;
  constraints: string[];
}

/** A secret value failed its validate/transform hook. The message lists paths and constraints only. */
export class SecretValidationError extends KeyturnError {
  readonly issues: readonly SecretValidationIssue[];

  constructor(secretId: string, issues: readonly SecretValidationIssue[], options: Omit<KeyturnErrorOptions, 'secretId'> = {}) {
    const list = issues.map((i) => `${i.path || '(root)'}: ${i.constraints.join(', ')}`).join('; ');
    super(`Secret "${secretId}" failed validation${list ? `: ${list}` : ''}`, { code: 'ValidationFailed', ...options, secretId });
    this.issues = issues;
  }
}
