import { KeyturnError } from '../../errors/keyturn.error.js';

/** What {@link CredentialsRejectedError} reports. */
export interface CredentialsRejectedErrorOptions {
  /** The secret the credentials came from. */
  secretId: string;
  /** The user name that was rejected, when the secret has one. */
  username?: string;
  /** What rejected them, e.g. `PostgreSQL` or `Redis`. */
  service: string;
  /** How long new connections were retried before giving up. */
  elapsedMs: number;
  /** Server error code, e.g. SQLSTATE `28P01` or `WRONGPASS`. */
  code?: string;
  /** The last authentication error from the server (never one that carries the password). */
  cause?: unknown;
}

/**
 * New connections kept failing authentication with every version of the secret that could
 * be tried (AWSCURRENT, a forced refresh of it, and AWSPENDING) for the whole retry budget.
 * The message names the secret and the user, never the password.
 */
export class CredentialsRejectedError extends KeyturnError {
  /** The user name the server rejected. */
  readonly username?: string;

  constructor(options: CredentialsRejectedErrorOptions) {
    const who = options.username === undefined ? '' : ` (user "${options.username}")`;
    super(
      `${options.service} rejected the credentials from secret "${options.secretId}"${who} for ${options.elapsedMs} ms` +
        `${options.code ? ` (${options.code})` : ''}: neither AWSCURRENT, a forced refresh of it, nor AWSPENDING authenticates.`,
      {
        secretId: options.secretId,
        code: options.code,
        cause: options.cause,
        hint:
          `check that the secret's value matches the ${options.service} user (a rotation that failed after setSecret leaves them apart: ` +
          `see ListSecretVersionIds and the rotation function's logs) and that the caller may call secretsmanager:GetSecretValue`,
      },
    );
    this.username = options.username;
  }
}
