/** Options of `SecretsHealthIndicator` (`SecretsHealthModule.forRoot(options)`). */
export interface SecretsHealthOptions {
  /**
   * How a degraded state (stale values served during an outage, fallback source in use) is reported.
   * `'up'` keeps the instance in rotation (an AWS outage does not become a 503 and a restart storm);
   * `'down'` fails the check.
   * @default 'up'
   * @example { degradedAs: 'down' }
   */
  degradedAs?: 'up' | 'down';
  /**
   * Whether a failing optional secret degrades the result.
   * @default true
   */
  includeOptional?: boolean;
  /**
   * Whether the payload names each secret with its state, source, version and error code. Without
   * details it carries the overall state and counts only, for a probe anyone can reach. A call can
   * override it: `check('secrets', { details: isOperator })`.
   * @default true
   * @example { details: false }
   */
  details?: boolean;
}

export const SECRETS_HEALTH_DEFAULTS = {
  degradedAs: 'up',
  includeOptional: true,
  details: true,
} as const satisfies Required<SecretsHealthOptions>;

/** Injection token of the health options. */
export const SECRETS_HEALTH_OPTIONS = Symbol('SECRETS_HEALTH_OPTIONS');
