import type { RedisOptions } from 'ioredis';
import type { AuthRetryOptions } from './auth-retry.options.js';
import type { ConnectionLogger } from './credentials-source.js';
import type { IoRedisModule } from './optional-drivers.js';

/** ioredis options for a client built from a secret; the credentials always come from the secret. */
export type RedisClientOptions = Omit<RedisOptions, 'username' | 'password' | 'lazyConnect'>;


/** How a Redis client follows its secret. */
export interface RedisRotationOptions {
  /**
   * ioredis options (host, port, tls, db, keyPrefix, retryStrategy, ...). `host`, `port` and
   * `tls` from the secret win when the secret has them.
   * @default {}
   * @example { host: 'cache.internal', db: 2, keyPrefix: 'app:' }
   */
  redis?: RedisClientOptions;
  /**
   * Retry policy when Redis answers WRONGPASS / NOAUTH while (re)connecting. Commands issued
   * meanwhile wait in the offline queue; after the budget they fail with `CredentialsRejectedError`.
   * @default { budgetMs: 30_000, initialBackoffMs: 100, maxBackoffMs: 2_000, tryPending: true }
   * @example { retry: { budgetMs: 10_000 } }
   */
  retry?: AuthRetryOptions;
  /**
   * After a rotation, send `AUTH <username> <new password>` on the live connection, so it is
   * authenticated with the credentials it would use to reconnect. Skipped in subscriber mode.
   * @default true
   * @example { reauthenticateOnRotation: false }
   */
  reauthenticateOnRotation?: boolean;
  /**
   * Resolve only once the client is ready (authenticated); reject with `CredentialsRejectedError`
   * when the budget runs out first.
   * @default true
   * @example { waitUntilReady: false }
   */
  waitUntilReady?: boolean;
  /**
   * The ioredis module to build on.
   * @default await import('ioredis')
   * @example { ioredis: require('ioredis') }
   */
  ioredis?: IoRedisModule;
  /**
   * Receives rotation, re-authentication and connection messages (secret id, user, version ids only).
   * @default undefined (silent; connection errors are then dropped, not printed by ioredis)
   * @example { logger: new Logger('Redis') }
   */
  logger?: ConnectionLogger;
}

/** Defaults of {@link RedisRotationOptions}. */
export const REDIS_ROTATION_DEFAULTS = {
  reauthenticateOnRotation: true,
  waitUntilReady: true,
} as const satisfies Partial<RedisRotationOptions>;
