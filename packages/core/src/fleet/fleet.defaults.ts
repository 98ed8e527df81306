/** Defaults of the fleet bus and watcher: the one place they are written down. */
export const FLEET_DEFAULTS = {
  /** Refreshes a received message may trigger per second, per instance (token bucket refill rate). */
  maxRefreshRate: 10,
  /** Refreshes that may run at once before the rate applies (token bucket size). */
  refreshBurst: 20,
  /** Pub/sub channel. */
  channel: 'keyturn:invalidate',
  /** How often the elected watcher lists versions. */
  watchIntervalMs: 10_000,
  /** The watcher lock's expiry: another instance takes over this long after the holder dies. */
  lockTtlMs: 30_000,
  /** Redis key of the watcher lock. */
  lockKey: 'keyturn:watcher',
} as const;
