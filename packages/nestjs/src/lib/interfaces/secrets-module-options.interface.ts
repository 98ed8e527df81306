import type { LoggerService } from '@nestjs/common';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { AuditSink, EnvSource, DotenvSource, SecretSource, SecretStore, SecretStoreOptions, RegionalSourceOptions } from '@keyturn/core';
import type { SecretClassSchema } from './secret-definition.interface.js';
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SecretsInvalidationOptions } from './secrets-invalidation-options.interface.js';

/** Names of the built-in sources, tried in the order given. */
export type SecretSourceName = 'aws' | 'env' | 'dotenv';

/**
 * Migration mode: the secrets are read from where they are today and from `sources` (Secrets
 * Manager) side by side; the preferred side is served and every disagreement is reported by secret,
 * key path and version (a warning, the store's `mismatch` event, the audit sink, the `mismatches`
 * metric and the health details), never by value. Switching over is a configuration change:
 * `prefer: 'new'`, then remove `migration`.
 */
export interface SecretsMigrationOptions {
  /**
   * Where the secrets are today: `'env'` or `'dotenv'` (configured by the `env` / `dotenv` options),
   * or a `SecretSource` such as `SqlTableSource` over the table that holds them.
   * @example new SqlTableSource({ client: pool, query: 'SELECT slug, db_password FROM clients', secretName: 'app/clients/{slug}', columns: { 'db.password': 'db_password' } })
   */
  old: 'env' | 'dotenv' | SecretSource;
  /**
   * The side served: `'old'` while checking, `'new'` (the `sources`, Secrets Manager by default) to switch over.
   * @default 'old'
   */
  prefer?: 'old' | 'new';
}

/** Per-tenant secrets resolved from a naming template. */
export interface SecretsTenantOptions {
  /**
   * Secret name template; `{tenant}` is the tenant id, other `{names}` come from `variables`.
   * @example '{app}/{env}/clients/{tenant}'
   */
  template: string;
  /**
   * Most tenant secrets kept loaded; the least recently used one is dropped (and its refresh stopped).
   * @default 100
   */
  maxEntries?: number;
  /**
   * Schema every tenant secret is validated with (class-validator class or Standard Schema).
   * @default undefined (the secret text)
   */
  schema?: SecretClassSchema | StandardSchemaV1;
  /**
   * Refresh interval of tenant secrets.
   * @default the module's ttlMs
   */
  ttlMs?: number;
}

/** Options of `SecretsModule.forRoot()` / `forRootAsync()`. Validated once at start-up. */
export interface SecretsModuleOptions {
  /**
   * AWS region of Secrets Manager.
   * @default the AWS SDK chain (AWS_REGION, profile)
   * @example 'eu-west-1'
   */
  region?: string;
  /**
   * Replica regions, in the order they are tried when the primary `region` fails transiently
   * (network, timeout, 5xx, throttling); never after AccessDenied, not found or deletion. Values
   * read from a replica are served as fresh, name their region (`aws:eu-west-1`) and make health
   * report *degraded*; the primary is asked again after `regionFailover.primaryRetryMs`. Needs
   * `region`; the IAM policy must allow reading the secret's replica ARNs in those regions.
   * @default [] (one region, no failover)
   * @example ['eu-west-1', 'eu-central-1']
   */
  replicaRegions?: readonly string[];
  /**
   * Tuning of replica-region failover (with `replicaRegions`).
   * @default { attemptTimeoutMs: 5000, primaryRetryMs: 30000 }
   * @example { attemptTimeoutMs: 2000, primaryRetryMs: 10000 }
   */
  regionFailover?: Pick<RegionalSourceOptions, 'attemptTimeoutMs' | 'primaryRetryMs'>;
  /**
   * Push invalidation across a fleet over Redis pub/sub (see {@link SecretsInvalidationOptions}).
   * @default undefined (no bus: every instance refreshes on its TTL)
   * @example { redisSecret: 'app/prod/redis', watcher: { prefix: 'app/prod/' } }
   */
  invalidation?: SecretsInvalidationOptions;
  /**
   * Endpoint override (the emulator, moto, a VPC endpoint). `AWS_ENDPOINT_URL_SECRETS_MANAGER` is honoured by the SDK too.
   * @default undefined (the AWS endpoint of the region)
   * @example 'http://127.0.0.1:4566'
   */
  endpoint?: string;
  /**
   * Credentials or a credentials provider.
   * @default the AWS SDK default credential chain
   * @example fromIni({ profile: 'prod' })
   */
  credentials?: SecretsManagerClientConfig['credentials'];
  /**
   * A ready client. Keyturn does not destroy a client it did not create.
   * @default undefined (Keyturn creates one from region/endpoint/credentials)
   */
  client?: SecretsManagerClient;
  /**
   * Where secrets come from, in order: the first source that has a secret serves it.
   * `'aws'` is Secrets Manager, `'env'` environment variables (see `env`), `'dotenv'` a .env file (see `dotenv`);
   * a `SecretSource` object is used as is.
   * @default ['aws']
   * @example ['aws', 'env']
   */
  sources?: ReadonlyArray<SecretSourceName | SecretSource>;
  /**
   * Options of the `'env'` source (which variable holds which secret).
   * @default undefined
   * @example { mapping: { 'app/db': 'DATABASE_SECRET' } }
   */
  env?: ConstructorParameters<typeof EnvSource>[0];
  /**
   * Options of the `'dotenv'` source.
   * @default undefined
   */
  dotenv?: ConstructorParameters<typeof DotenvSource>[0];
  /**
   * Time a value is considered fresh; refreshes happen in the background at a jittered point before it.
   * @default 3_600_000 (1 h)
   * @example 300_000
   */
  ttlMs?: number;
  /**
   * How long the last good value may be served while Secrets Manager fails transiently (health: degraded).
   * @default 86_400_000 (24 h)
   */
  staleIfErrorMs?: number;
  /**
   * Fractions of the TTL between which the background refresh is scheduled.
   * @default [0.5, 1]
   */
  refreshJitter?: readonly [number, number];
  /**
   * Spreads the first load of a fleet deployed at once: the store waits a random delay in
   * [0, startupJitterMs] before it loads the secrets at start-up (the store's `startupJitterMs`).
   * @default 0 (no delay)
   * @example 20_000
   */
  startupJitterMs?: number;
  /**
   * Retry backoff after failed refreshes: doubling from `initialMs` to a plateau at `maxMs`, with jitter.
   * @default { initialMs: 1000, maxMs: 120_000 }
   * @example { initialMs: 500, maxMs: 60_000 }
   */
  backoff?: SecretStoreOptions['backoff'];
  /**
   * Where Keyturn logs (never values). `false` silences it.
   * @default a Nest `Logger` with context 'Keyturn'
   */
  logger?: LoggerService | false;
  /**
   * Metrics sink handed to the store.
   * @default undefined
   */
  metrics?: SecretStoreOptions['metrics'];
  /**
   * Receives structured audit events (load, refresh, rotation, rejection, error).
   * @default undefined
   */
  audit?: AuditSink;
  /**
   * Values of template variables used in secret names (`{app}`, `{env}`).
   * @default {}
   * @example { app: 'payments', env: 'prod' }
   */
  variables?: Readonly<Record<string, string>>;
  /**
   * Per-tenant secrets.
   * @default undefined (tenant lookups throw)
   */
  tenants?: SecretsTenantOptions;
  /**
   * Migration mode: read an old source next to `sources` and report mismatches (see {@link SecretsMigrationOptions}).
   * @default undefined (no side-by-side reads)
   * @example { old: 'dotenv', prefer: 'old' }
   */
  migration?: SecretsMigrationOptions;
  /**
   * A store you built yourself (all source/cache options above are then ignored). Keyturn does not stop it.
   * @default undefined
   */
  store?: SecretStore;
}
