/** How new connections retry after the server rejected their credentials. */
export interface AuthRetryOptions {
  /**
   * How long one new connection keeps trying (refresh, AWSPENDING, back-off) before it fails
   * with `CredentialsRejectedError`. Covers the single-user rotation window between setSecret
   * and finishSecret (about a minute on RDS) when AWSPENDING cannot be read.
   * @default 30_000
   * @example { budgetMs: 60_000 }
   */
  budgetMs?: number;
  /**
   * First pause before retrying once every known version was rejected; doubles per attempt.
   * @default 100
   * @example { initialBackoffMs: 250 }
   */
  initialBackoffMs?: number;
  /**
   * Upper bound of the pause between attempts.
   * @default 2_000
   * @example { maxBackoffMs: 5_000 }
   */
  maxBackoffMs?: number;
  /**
   * Whether to try the AWSPENDING version when a forced refresh shows AWSCURRENT unchanged
   * (the single-user window: the server already has the new password, AWSCURRENT not yet).
   * Needs `secretsmanager:GetSecretValue` on the AWSPENDING stage.
   * @default true
   * @example { tryPending: false }
   */
  tryPending?: boolean;
}

/** Defaults of {@link AuthRetryOptions}. */
export const AUTH_RETRY_DEFAULTS = {
  budgetMs: 30_000,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  tryPending: true,
} as const satisfies Required<AuthRetryOptions>;
