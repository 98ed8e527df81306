import { InvalidArgumentError } from 'commander';

/**
 * Connect and read timeouts of every Secrets Manager call, in seconds, as the AWS CLI's
 * `--cli-connect-timeout` and `--cli-read-timeout` (same defaults, 0 = no limit).
 */
export const DEFAULT_TIMEOUTS = {
  /** Seconds to establish the TCP (and TLS) connection. */
  connectSeconds: 60,
  /** Seconds a request may wait without receiving a byte of the response. */
  readSeconds: 60,
} as const satisfies Record<string, number>;

/** Parses a `--cli-*-timeout` value: a non-negative number of seconds (decimals allowed, 0 = no limit). */
export function parseTimeoutSeconds(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${flag} takes a number of seconds (0 or more; 0 means no limit), e.g. ${flag} 30`);
    }
    return n;
  };
}
