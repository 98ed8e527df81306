/** Options every Keyturn error accepts. */
export interface KeyturnErrorOptions {
  /** The secret the error is about. */
  secretId?: string;
  /** A machine-readable code: the AWS error name (e.g. `AccessDeniedException`) or a Keyturn code. */
  code?: string;
  /** The underlying error (an AWS SDK error, a validator's error). Never printed into the message. */
  cause?: unknown;
  /** What the operator should check: an IAM action, an environment variable, a file. */
  hint?: string;
}

/**
 * Base class of every error Keyturn throws. Messages name the secret and what to check,
 * never a secret value; the original error, if any, is kept as `cause`.
 */
export class KeyturnError extends Error {
  override name = this.constructor.name;
  readonly secretId?: string;
  readonly code?: string;
  readonly hint?: string;

  constructor(message: string, options: KeyturnErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.secretId = options.secretId;
    this.code = options.code;
    this.hint = options.hint;
  }

  /** Whether retrying later may succeed (network trouble, throttling, 5xx). */
  get transient(): boolean {
    return false;
  }
}
