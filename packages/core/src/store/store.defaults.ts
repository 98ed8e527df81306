import type { SecretStoreOptions } from './store.types.js';

/**
 * Defaults of {@link SecretStoreOptions}: the one place they are written down (`@keyturn/nestjs`
 * builds its module defaults from this constant).
 */
export const SECRET_STORE_DEFAULTS = {
  ttlMs: 3_600_000,
  staleIfErrorMs: 86_400_000,
  refreshJitter: [0.5, 1] as const,
  backoff: { initialMs: 1000, maxMs: 120_000 },
  fetchTimeoutMs: 30_000,
  minRefreshIntervalMs: 1000,
  refreshWindowMs: 60_000,
  startupJitterMs: 0,
  rotationAware: true,
  rotationRefreshDelayMs: 120_000,
} satisfies Required<Omit<SecretStoreOptions, 'sources' | 'logger' | 'audit' | 'metrics' | 'random' | 'backoff'>> & {
  backoff: Required<NonNullable<SecretStoreOptions['backoff']>>;
};
