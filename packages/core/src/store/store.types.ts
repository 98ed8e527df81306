import type { KeyturnError } from '../errors/keyturn.error.js';
import type { AuditSink, KeyturnLogger } from '../observability/audit.js';
import type { SecretMismatch } from '../migration/secret-mismatch.js';
import type { MeterLike, MetricsOptions } from '../observability/metrics.js';
import type { SecretRef, SecretRefInput } from '../refs/secret-ref.js';
import type { SecretSource } from '../sources/secret-source.js';
import type { SecretValue } from '../values/secret-value.js';

/** Health of one cached secret. */
export type SecretStatus = 'pending' | 'fresh' | 'stale' | 'fallback' | 'failed';

/** What the store knows about one secret (for health checks and metrics; never a value). */
export interface SecretState {
  secretId: string;
  /** Set when the entry reads a stage other than AWSCURRENT. */
  versionStage?: string;
  /** Set when the entry reads a pinned version id. */
  requestedVersionId?: string;
  required: boolean;
  state: SecretStatus;
  /** Source that served the current value (`aws:eu-west-1` with a regional source). */
  source?: string;
  /** The AWS region that served the current value, when the source is regional. */
  region?: string;
  /**
   * Set while the value comes from a replica region because the primary region failed
   * transiently (the state stays `fresh`; health reports it as degraded). Cleared when the
   * primary answers again.
   */
  replica?: { region: string; primaryRegion: string; primaryRetryAt: Date };
  versionId?: string;
  /** When the served version was created in the source (Secrets Manager's CreatedDate), if it says. */
  versionCreatedAt?: Date;
  fetchedAt?: Date;
  ageMs?: number;
  lastErrorCode?: string;
  /** The last error's message (names the secret and what to check; never a value). */
  lastError?: string;
  staleSince?: Date;
  staleUntil?: Date;
  rejectedVersionId?: string;
  rejectionReason?: string;
  nextRefreshAt?: Date;
  /**
   * Set while a rotation is unfinished: AWSPENDING authenticated where AWSCURRENT (`versionId`) was
   * rejected, so AWSPENDING holds the working credentials. Cleared when AWSCURRENT moves.
   */
  rotationUnfinished?: { pendingVersionId?: string; since: Date };
}

/** How a secret is registered with the store. */
export interface SecretDefinitionInput<T = SecretValue> {
  /** Name, ARN, ECS form `name:json-key:version-stage:version-id`, or an object. */
  ref: string | SecretRef | SecretRefInput;
  /**
   * A required secret that cannot load makes `start()` fail; an optional one does not.
   * @default true
   */
  required?: boolean;
  /**
   * Time to live of the cached value (refreshed in the background at a jittered point in [TTL/2, TTL]).
   * @default the store's ttlMs (1 hour)
   */
  ttlMs?: number;
  /**
   * Runs once per new version; throwing (or rejecting) rejects the version and the last good value
   * stays. Without `transform`, what it returns is what `get()` returns (return the SecretValue
   * itself to only check it).
   * @example validate: (v) => { if (!v.hasField('password')) throw new SecretValidationError(v.secretId, [{ path: 'password', constraints: ['isDefined'] }]); return v; }
   */
  validate?: (value: SecretValue) => T | Promise<T>;
  /** Maps each new version to what `get()` returns (after `validate`). */
  transform?: (value: SecretValue) => T | Promise<T>;
}

/** Options of the store. */
export interface SecretStoreOptions {
  /**
   * Where values come from; several are chained (first answer wins, later ones are fallbacks).
   * @default [new AwsSecretsManagerSource()] (created and destroyed by the store)
   * @example [new AwsSecretsManagerSource(), new EnvSource({ mapping: { 'app/jwt': 'JWT_SECRET' } })]
   */
  sources?: SecretSource | readonly SecretSource[];
  /**
   * Default time to live of cached values.
   * @default 3_600_000 (1 hour)
   */
  ttlMs?: number;
  /**
   * How long the last good value keeps being served during transient failures.
   * @default 86_400_000 (24 hours)
   */
  staleIfErrorMs?: number;
  /**
   * Refresh point as fractions of the TTL.
   * @default [0.5, 1]
   */
  refreshJitter?: readonly [number, number];
  /**
   * Retry backoff after failures: doubling from initialMs to a plateau at maxMs, with jitter.
   * @default { initialMs: 1000, maxMs: 120_000 }
   */
  backoff?: { initialMs?: number; maxMs?: number };
  /**
   * Time limit of one fetch (aborts the SDK call).
   * @default 30_000
   */
  fetchTimeoutMs?: number;
  /**
   * `refresh()` without `force` does nothing when the secret was fetched this recently.
   * @default 1000
   */
  minRefreshIntervalMs?: number;
  /**
   * Secrets due for a refresh are fetched together at the boundaries of windows of this length
   * (aligned to a random phase per store, which also picks the store's point in the jitter range,
   * so a fleet does not refresh in step). The effective
   * window is never longer than a quarter of the shortest TTL, so every refresh still happens within
   * the jitter range.
   * @default 60_000
   */
  refreshWindowMs?: number;
  /**
   * Spreads the first load of a fleet deployed at once: `start()` waits a random delay in
   * [0, startupJitterMs] before its fetch. A fleet's first loads cost ceil(secrets / 20)
   * BatchGetSecretValue calls per instance against a quota of 100/s per account and region. Sizing
   * rule: instances × ceil(secrets / 20) / (quota × 0.5), e.g. 500 instances of 50 secrets: 1,500
   * calls at half of 100/s → 30 s; the jitter adds to the spread of the deployment itself.
   * `load()` and secrets registered after `start()` do not wait.
   * @default 0 (no delay)
   * @example 30_000
   */
  startupJitterMs?: number;
  /**
   * Rotation-aware timing: after a new version is taken, the store asks the source when the
   * secret's next rotation is scheduled (DescribeSecret's NextRotationDate on AWS) and refreshes
   * once `rotationRefreshDelayMs` after it, if that is before the next regular refresh. Without
   * the permission (secretsmanager:DescribeSecret), the store stops asking and nothing else changes.
   * @default true
   */
  rotationAware?: boolean;
  /**
   * How long after a scheduled rotation the rotation-aware refresh runs.
   * @default 120_000
   */
  rotationRefreshDelayMs?: number;
  /** Logger (Nest's LoggerService fits). Messages carry secret ids and codes, never values. */
  logger?: KeyturnLogger;
  /** Receives an audit event for every load, refresh, rotation, rejection and error. */
  audit?: AuditSink;
  /**
   * OpenTelemetry: instruments are registered on `meter`, else on the global provider when
   * `@opentelemetry/api` is installed (no-op otherwise). `openTelemetry: false` turns it off.
   * `secretAttributes` bounds the series: by default only the secrets registered when the store
   * starts carry `keyturn.secret.id`; secrets loaded later on demand (per-tenant) are aggregated.
   * @default { openTelemetry: true, secretAttributes: 'registered' }
   * @example { meter: keyturnMeter(meterProvider), secretAttributes: 'all' }
   */
  metrics?: { openTelemetry?: boolean; meter?: MeterLike } & MetricsOptions;
  /**
   * Random source for jitter (tests pass a fixed one).
   * @default Math.random
   */
  random?: () => number;
}

/** A new version replaced the previous one. `toString`/`toJSON` omit the value. */
export interface RotationEvent<T> {
  secretId: string;
  previousVersionId?: string;
  versionId: string;
  stage: string;
  value: T;
  at: Date;
}

/** A new version failed its validate/transform hook and was not taken; the last good value stays. */
export interface RejectedEvent {
  secretId: string;
  versionId: string;
  /** The version still served. */
  keptVersionId: string;
  reason: string;
  at: Date;
}

/** A fetch failed. */
export interface SecretErrorEvent {
  secretId: string;
  error: KeyturnError;
  state: SecretStatus;
  at: Date;
}

/** Events of the store and their payloads. */
export interface SecretStoreEvents {
  rotation: RotationEvent<SecretValue>;
  rejected: RejectedEvent;
  error: SecretErrorEvent;
  state: SecretState;
  /** Migration mode: a side-by-side source found a disagreement (secret, key paths, versions; no value). */
  mismatch: SecretMismatch;
  /** AWSPENDING authenticated while AWSCURRENT was rejected: a rotation changed the credentials and did not finish. */
  rotationUnfinished: RotationUnfinishedEvent;
}

/** A rotation that changed the credentials and did not finish (see {@link SecretStore.reportRotationUnfinished}). */
export interface RotationUnfinishedEvent {
  secretId: string;
  /** The AWSCURRENT version that was rejected. */
  currentVersionId?: string;
  /** The AWSPENDING version that authenticated, when the store read it. */
  pendingVersionId?: string;
  at: Date;
}

/** One registered secret: a synchronous view of the cache. */
export interface SecretEntry<T = SecretValue> {
  readonly secretId: string;
  readonly ref: SecretRef;
  readonly required: boolean;
  /**
   * The last good, validated value; synchronous, never waits on the network.
   * @throws SecretNotLoadedError before the first load; the classified error when the secret failed
   * (access denied, deleted, unavailable beyond the stale bound).
   */
  get(): T;
  /** The current SecretValue (metadata + raw value), if loaded. */
  current(): SecretValue | undefined;
  state(): SecretState;
  /** Called for each new version taken (after validation). Returns an unsubscribe function. */
  subscribe(listener: (event: RotationEvent<T>) => void): () => void;
}
