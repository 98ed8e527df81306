/**
 * One version of a secret's value, as a connection factory sees it.
 * `value` is the parsed secret (for JSON secrets, the object); it is never logged.
 */
export interface CredentialsVersion<T = unknown> {
  /** Secrets Manager VersionId: two snapshots with the same id hold the same value. */
  readonly versionId: string;
  /** The staging label this value was read under (`AWSCURRENT`, `AWSPENDING`). */
  readonly stage: string;
  /** The secret's value. */
  readonly value: T;
}

/**
 * The narrow view of a secret that rotation-safe connections need. Adapters exist for a
 * `SecretHandle` of `@keyturn/nestjs` and for a `SecretStore` entry of `@keyturn/core`;
 * anything else (a test double, another secrets library) can implement it directly.
 */
export interface CredentialsSource<T = unknown> {
  /** The secret's id (name or ARN), used in log lines and errors. */
  readonly secretId: string;
  /** The last good AWSCURRENT value. Synchronous: no request waits on Secrets Manager. */
  current(): CredentialsVersion<T>;
  /**
   * Forces a read of AWSCURRENT, bypassing the cache. Resolves `true` when the VersionId
   * changed. May reject when Secrets Manager is unreachable; callers keep what they have.
   */
  refresh(): Promise<boolean>;
  /** Reads the AWSPENDING version, or `undefined` when the secret has none. */
  pending(): Promise<CredentialsVersion<T> | undefined>;
  /** Calls `listener` after AWSCURRENT moved to a new version; returns an unsubscribe function. */
  onChange(listener: (version: CredentialsVersion<T>) => void): () => void;
  /**
   * Called once per AWSPENDING version when it authenticated where AWSCURRENT was rejected: a
   * rotation changed the credentials and did not finish. Optional; the adapters report it to the store.
   */
  pendingInUse?(pending: { readonly versionId: string; readonly stage: string }): void;
  /**
   * Called for each authentication retry of a new connection and each live re-authentication after a
   * rotation. Optional; the adapters count them in the store's metrics.
   */
  connectionEvent?(event: ConnectionEvent): void;
}

/** What the connection helpers report for metrics: codes and outcomes, never credentials. */
export type ConnectionEvent =
  | {
      /** A new connection was rejected and is tried again (refreshed AWSCURRENT, AWSPENDING, or after back-off). */
      readonly type: 'retry';
      /** `db.system.name` of the server: `postgresql`, `redis`. */
      readonly system: string;
      /** The server's code for the rejection (`28P01`, `WRONGPASS`). */
      readonly code: string;
    }
  | {
      /** A live connection authenticated again with a rotated version (Redis `AUTH`). */
      readonly type: 'reauthentication';
      readonly system: string;
      readonly outcome: 'success' | 'failure';
      readonly code?: string;
    };

/** Logger shape accepted by the connection helpers (a Nest `Logger` fits). */
export interface ConnectionLogger {
  log(message: string, context?: unknown): void;
  warn(message: string, context?: unknown): void;
  error(message: string, context?: unknown): void;
}
