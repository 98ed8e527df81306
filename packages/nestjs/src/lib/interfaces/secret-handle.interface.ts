import type { Observable } from 'rxjs';
import type { RotationEvent, SecretState } from '@keyturn/core';
import type { ConnectionEvent } from '@keyturn/core/connections';

/** Version stages that {@link SecretHandle.fetchVersion} can read besides AWSCURRENT. */
export type SecretVersionStage = 'AWSPENDING' | 'AWSPREVIOUS';

/**
 * What `@InjectSecret(def)` injects: a live view of one secret.
 * Printing it (`util.inspect`, `JSON.stringify`) shows its state, never its value.
 */
export interface SecretHandle<T> {
  /** Secret name or ARN. */
  readonly secretId: string;
  /** The current validated value, synchronously (last good value while a refresh fails). */
  get(): T;
  /** Emits after each rotation (a new version that passed validation). The event's printable form omits the value. */
  readonly changes$: Observable<RotationEvent<T>>;
  /** Version, age, source and freshness; never the value. */
  state(): SecretState;
  /** Re-reads the secret now (e.g. after an authentication failure). */
  refresh(opts?: { force?: boolean }): Promise<{ changed: boolean }>;
  /** Reads another version stage (rotation window), validated and transformed like `get()`; not cached as current. */
  fetchVersion(stage: SecretVersionStage): Promise<T>;
  /**
   * Tells the store that AWSPENDING authenticated where AWSCURRENT was rejected (an unfinished
   * rotation): a metric, an audit record, a warning, and `rotationUnfinished` in `state()` and in
   * health until AWSCURRENT moves. The rotation-safe connections call it; call it from your own
   * connection code when it falls back to AWSPENDING.
   */
  reportRotationUnfinished(): void;
  /**
   * Counts a connection event in the store's metrics (`keyturn.connection.auth_retries`,
   * `keyturn.connection.reauthentications`). The rotation-safe connections call it; call it from
   * your own connection code when it retries after a rejected login or re-authenticates.
   */
  reportConnectionEvent(event: ConnectionEvent): void;
}
