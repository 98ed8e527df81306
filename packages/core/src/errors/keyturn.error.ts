import { INSPECT } from '../values/redaction.js';

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

/** The `inspect` function Node passes to custom inspectors (third argument). */
type InspectFn = (value: unknown, options?: object) => string;

/**
 * Base class of every error Keyturn throws. Messages name the secret and what to check,
 * never a secret value. The original error, if any, is kept as `cause` for code to examine
 * (non-enumerable, as `Error` installs it); `util.inspect` and `JSON.stringify` leave it out,
 * since a source error's message may quote what it was given.
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

  /** Name, message and the enumerable metadata (code, secretId, hint, issues...); never `cause`. */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...this.#details() };
  }

  /** The stack, then the metadata as `util.inspect` shows an error's own properties; never `cause`. */
  [INSPECT](depth: number | null, options: object, inspect?: InspectFn): string {
    const details = this.#details();
    const stack = this.stack ?? `${this.name}: ${this.message}`;
    if (Object.keys(details).length === 0 || typeof inspect !== 'function') return stack;
    // `depth` is what is left for this error: its fields print at the depth its own properties would.
    return `${stack} ${inspect(details, { ...options, depth })}`;
  }

  #details(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (key !== 'name' && key !== 'cause' && v !== undefined) out[key] = v;
    }
    return out;
  }
}
