import { SecretValidationError, type SecretValidationIssue } from '@keyturn/core';

export type { SecretValidationIssue };

/** Builds core's `SecretValidationError` for a secret, with what to do about it. */
export function secretValidationError(secretId: string, issues: SecretValidationIssue[]): SecretValidationError {
  return new SecretValidationError(secretId, issues, {
    hint: 'the secret value in its source against the schema (aws secretsmanager put-secret-value, or the environment variable)',
  });
}
