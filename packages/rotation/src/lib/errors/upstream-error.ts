/**
 * The error a database or Redis client raised, reduced to its name, code and message with every
 * known secret value cut out. Client errors can carry the command that failed (ioredis attaches
 * `command.args`, i.e. the `>password` arguments of ACL SETUSER), so rotation errors keep this
 * copy as their `cause` instead of the original.
 */
export class UpstreamError extends Error {
  override readonly name: string = this.constructor.name;
  /** The original error's name, e.g. `DatabaseError`, `ReplyError`. */
  readonly upstreamName: string;
  /** The original error's code (SQLSTATE, errno name), when it had one. */
  readonly code?: string;

  private constructor(message: string, upstreamName: string, code: string | undefined) {
    super(message);
    this.upstreamName = upstreamName;
    this.code = code;
  }

  /** Copies `error` without any of `secrets` (and without its extra properties). */
  static from(error: unknown, secrets: readonly (string | undefined)[]): UpstreamError {
    const e = (error ?? {}) as { name?: unknown; message?: unknown; code?: unknown };
    let message = typeof e.message === 'string' ? e.message : String(error);
    for (const s of secrets) {
      if (s && s.length >= 4) message = message.split(s).join('[redacted]');
    }
    const code = typeof e.code === 'string' ? e.code : undefined;
    return new UpstreamError(message, typeof e.name === 'string' ? e.name : 'Error', code);
  }
}
