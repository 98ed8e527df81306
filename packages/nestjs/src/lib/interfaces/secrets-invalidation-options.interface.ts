import type { InvalidationBus } from '@keyturn/core';

/** The elected watcher of `invalidation` (out-of-band changes found with ListSecrets). */
export interface SecretsWatcherOptions {
  /**
   * Name prefix of the secrets watched (ListSecrets' `name` filter; one call per 100 secrets).
   * @example 'app/prod/'
   */
  prefix: string;
  /**
   * How often the elected instance lists versions.
   * @default 10_000
   */
  intervalMs?: number;
  /**
   * Expiry of the watcher lock: another instance takes over at most this long after the holder dies.
   * @default 30_000
   */
  lockTtlMs?: number;
  /**
   * Redis key of the lock (one per fleet).
   * @default 'keyturn:watcher'
   */
  lockKey?: string;
}

/**
 * Push invalidation across a fleet: a Redis pub/sub bus carries secret id + version id (never
 * values). An instance that takes a new version publishes it; the others refresh that secret at
 * once (coalesced and rate-limited) instead of waiting for their TTL. With `watcher`, one elected
 * instance also finds out-of-band changes (a version put by an operator or a rotation Lambda).
 * Without this option nothing changes: every instance polls on its TTL.
 */
export interface SecretsInvalidationOptions {
  /**
   * The secret holding the Redis credentials of the bus (`{ host?, port?, username?, password, tls? }`,
   * or the password as a string), loaded with the module's secrets. The bus's clients are Keyturn's
   * rotating ioredis clients (`@keyturn/nestjs/ioredis`): they follow a rotation of that secret, and
   * the subscriber subscribes again after it reconnects. Needs the optional peer `ioredis`.
   * @example 'app/prod/redis'
   * @example defineSecret('app/prod/redis')
   */
  redisSecret?: string | { readonly secretId: string };
  /**
   * ioredis options of the bus's two connections (host when the secret has none, tls, ...).
   * @default {}
   * @example { host: 'cache.internal', tls: {} }
   */
  redis?: Record<string, unknown>;
  /**
   * A bus of your own instead of `redisSecret` (not closed by the module).
   */
  bus?: InvalidationBus;
  /**
   * Pub/sub channel (one per fleet).
   * @default 'keyturn:invalidate'
   */
  channel?: string;
  /**
   * The elected watcher, or `false` for none. Needs `secretsmanager:ListSecrets` on `*` (or,
   * refused that, `secretsmanager:DescribeSecret` on the secrets).
   * @default false
   * @example { prefix: 'app/prod/', intervalMs: 10_000 }
   */
  watcher?: SecretsWatcherOptions | false;
  /**
   * Refreshes received messages may trigger per second on this instance; more wait for the bucket.
   * @default 10
   */
  maxRefreshRate?: number;
  /**
   * Refreshes that may start at once before `maxRefreshRate` applies.
   * @default 20
   */
  refreshBurst?: number;
}
