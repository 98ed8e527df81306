// Public API of @keyturn/core (the root entry point). Explicit named exports only.

// references
export { parseSecretRef, formatSecretRef, isSecretArn, type SecretRef, type SecretRefInput } from './refs/secret-ref.js';

// values
export { SecretValue, type SecretValueInit } from './values/secret-value.js';

// sources
export {
  describeVersion,
  isCurrentRequest,
  type SecretSource,
  type ReplicaServe,
  type SecretRequest,
  type SecretFetchResult,
  type SourceObserver,
} from './sources/secret-source.js';
export { AwsSecretsManagerSource, type AwsSecretsManagerSourceOptions } from './sources/aws-secrets-manager.source.js';
export { EnvSource, type EnvSourceOptions } from './sources/env.source.js';
export { DotenvSource, type DotenvSourceOptions } from './sources/dotenv.source.js';
export { MemorySource, type MemorySourceOptions, type MemorySecretInput } from './sources/memory.source.js';
export { ChainSource, type ChainSourceOptions } from './sources/chain.source.js';
export { RegionalSource, REGIONAL_SOURCE_DEFAULTS, type RegionalSourceOptions, type RegionalStatus } from './sources/regional.source.js';
export type { VariableMapping } from './sources/mapped-values.js';

// migration mode
export { SideBySideSource, type SideBySideSourceOptions } from './migration/side-by-side.source.js';
export { SqlTableSource, type SqlTableSourceOptions, type SqlQueryFunction } from './migration/sql-table.source.js';
export { describeMismatch, describeKeyPath, summarizeMismatch, type MismatchSummary, type SecretMismatch } from './migration/secret-mismatch.js';
export type { KeyMismatch } from './migration/keyed-digest.js';
export {
  parseColumnMapping,
  compileNameTemplate,
  rowToSecretObject,
  canonicalJson,
  type ColumnMapping,
  type ColumnBinding,
  type NameTemplate,
  type TableRow,
} from './migration/table-rows.js';

// errors
export { KeyturnError, type KeyturnErrorOptions } from './errors/keyturn.error.js';
export { InvalidSecretReferenceError } from './errors/invalid-secret-reference.error.js';
export { SecretNotFoundError } from './errors/secret-not-found.error.js';
export { SecretAccessDeniedError } from './errors/secret-access-denied.error.js';
export { SecretScheduledForDeletionError } from './errors/secret-scheduled-for-deletion.error.js';
export { SecretDecryptionError } from './errors/secret-decryption.error.js';
export { SecretUnavailableError } from './errors/secret-unavailable.error.js';
export { SecretRequestError } from './errors/secret-request.error.js';
export { SecretParseError } from './errors/secret-parse.error.js';
export { SecretKeyMissingError } from './errors/secret-key-missing.error.js';
export { SecretKindError } from './errors/secret-kind.error.js';
export { SecretNotLoadedError } from './errors/secret-not-loaded.error.js';
export { SecretMappingError } from './errors/secret-mapping.error.js';
export { SecretValidationError, type SecretValidationIssue } from './errors/secret-validation.error.js';
export { SecretsStartupError, type SecretStartupFailure } from './errors/secrets-startup.error.js';
export { wrapHookFailure } from './errors/hook-failure.js';
export { isTransientError, classifyError, errorCode, type ClassifyContext } from './errors/classify-error.js';

// store
export { SecretStore } from './store/secret-store.js';
export { SECRET_STORE_DEFAULTS } from './store/store.defaults.js';
export type {
  SecretStoreOptions,
  SecretDefinitionInput,
  SecretEntry,
  SecretState,
  SecretStatus,
  RotationEvent,
  RejectedEvent,
  SecretErrorEvent,
  SecretStoreEvents,
  RotationUnfinishedEvent,
} from './store/store.types.js';
export { refreshDelay, backoffDelay } from './store/timing.js';

// fleets: push invalidation and the elected watcher
export { attachInvalidationBus, FleetInvalidation, type FleetInvalidationOptions, type FleetInvalidationStats, type FleetStore } from './fleet/fleet-invalidation.js';
export { FleetWatcher, type FleetWatcherOptions, type FleetWatcherStatus } from './fleet/fleet-watcher.js';
export { RedisInvalidationBus, DEFAULT_INVALIDATION_CHANNEL, type RedisInvalidationBusOptions } from './fleet/redis-invalidation-bus.js';
export type { InvalidationBus, RedisCommandClient, RedisSubscriberClient } from './fleet/invalidation-bus.js';
export {
  parseInvalidationMessage,
  encodeInvalidationMessage,
  MAX_INVALIDATION_MESSAGE_BYTES,
  type InvalidationMessage,
  type InvalidMessageReason,
  type ParsedInvalidationMessage,
} from './fleet/invalidation-message.js';
export { TokenBucket } from './fleet/token-bucket.js';
export { FLEET_DEFAULTS } from './fleet/fleet.defaults.js';

// observability
export type { AuditEvent, AuditSink, KeyturnLogger } from './observability/audit.js';
export { keyturnMeter, KEYTURN_METER_NAME, METRIC_ATTRIBUTES, REFRESH_DURATION_BUCKETS } from './observability/metrics.js';
export type {
  MetricsSnapshot,
  MeterLike,
  MeterProviderLike,
  ObservableLike,
  ObservableCallbackLike,
  InstrumentOptions,
  MetricAttributes,
  MetricsOptions,
  MetricsSecretState,
  SecretAttributesPolicy,
  ConnectionMetricEvent,
  FleetMetricEvent,
  FleetMetricsSnapshot,
  FleetMessageOutcome,
} from './observability/metrics.js';
