/**
 * How the emulator retries a failed rotation. Secrets Manager retries a failed rotation with the
 * same ClientRequestToken (the AWSPENDING version is kept); the emulator does the same, a bounded
 * number of times with exponential back-off.
 */
export interface RotationRetryOptions {
  /**
   * Attempts of one rotation, the first included. `1` turns retrying off.
   * @default 8
   * @example { maxAttempts: 3 }
   */
  maxAttempts?: number;
  /**
   * Delay before the second attempt, in milliseconds; each later delay doubles.
   * @default 1000
   * @example { initialBackoffMs: 20 } // tests
   */
  initialBackoffMs?: number;
  /**
   * Longest delay between two attempts, in milliseconds. Once the database is back, a failed
   * rotation completes within this delay plus the time one attempt takes.
   * @default 30000
   * @example { maxBackoffMs: 200 } // tests
   */
  maxBackoffMs?: number;
}

export const ROTATION_RETRY_DEFAULTS = {
  maxAttempts: 8,
  initialBackoffMs: 1000,
  maxBackoffMs: 30_000,
} as const satisfies Required<RotationRetryOptions>;

/** Delay before attempt `attempt + 1` (attempt counts from 1). */
export function backoffMs(retry: Required<RotationRetryOptions>, attempt: number): number {
  return Math.min(retry.initialBackoffMs * 2 ** Math.max(0, attempt - 1), retry.maxBackoffMs);
}
