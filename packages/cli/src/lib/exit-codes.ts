/**
 * Process exit codes of the `keyturn` command. Scripts may rely on them.
 */
export const ExitCode = {
  /** Everything worked. */
  Ok: 0,
  /** A check found problems (doctor), a rotation failed, some items of a batch failed, or an unexpected error. */
  Failed: 1,
  /** Wrong flags or arguments, or an unreadable / invalid input file. */
  Usage: 2,
  /** The secret (or version) does not exist. */
  NotFound: 3,
  /** Credentials rejected or the IAM policy does not allow the call. */
  AccessDenied: 4,
  /** Conflict: a concurrent change, a name already taken, a rotation in progress, or deletion scheduled. */
  Conflict: 5,
  /** Waiting for an outcome (rotation) took longer than --timeout. */
  Timeout: 6,
  /** The endpoint could not be reached, throttled or failed (retry later). */
  Unavailable: 7,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
