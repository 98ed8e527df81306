import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource, ChainSource, RegionalSource, DotenvSource, EnvSource, SecretStore, SideBySideSource, type KeyturnLogger, type SecretMismatch, type SecretSource } from '@keyturn/core';
import type { ResolvedSecretsOptions } from './secrets-options.validator.js';

/** The store behind the module and what the module must release on shutdown. */
export interface SecretStoreResources {
  readonly store: SecretStore;
  /** Whether the module built the store (then it stops it); a store passed in is the application's. */
  readonly ownsStore: boolean;
  /** Sources the module built from names (the store does not destroy sources it was given). */
  readonly ownedSources: readonly SecretSource[];
  /** Migration mode: the side-by-side sources whose open mismatches health reports. */
  readonly migration: readonly MigrationView[];
}

/** What health needs of a side-by-side source. */
export interface MigrationView {
  readonly prefer: 'old' | 'new';
  mismatches(): SecretMismatch[];
}

const isMigrationView = (s: SecretSource): s is SecretSource & MigrationView =>
  typeof (s as Partial<MigrationView>).mismatches === 'function' && ((s as Partial<MigrationView>).prefer === 'old' || (s as Partial<MigrationView>).prefer === 'new');

/** The AWS SDK client settings the options name (region, endpoint, credentials). */
export function awsClientConfig(options: ResolvedSecretsOptions): SecretsManagerClientConfig {
  return {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    ...(options.credentials !== undefined ? { credentials: options.credentials } : {}),
  };
}

/** The settings without the region (a regional source sets one per region). */
function withoutRegion({ region: _region, ...config }: SecretsManagerClientConfig): SecretsManagerClientConfig {
  return config;
}

/** Builds the sources named in the options, in order; user-provided source objects are used as is. */
function createSources(options: ResolvedSecretsOptions): { sources: SecretSource[]; owned: SecretSource[] } {
  const owned: SecretSource[] = [];
  const build = (source: ResolvedSecretsOptions['sources'][number]): SecretSource => {
    if (typeof source !== 'string') return source;
    let built: SecretSource;
    switch (source) {
      case 'aws':
        built = options.replicaRegions?.length
          ? new RegionalSource({
              regions: [options.region!, ...options.replicaRegions],
              clientConfig: withoutRegion(awsClientConfig(options)),
              ...(options.regionFailover ?? {}),
            })
          : options.client
          ? new AwsSecretsManagerSource({ client: options.client })
          : new AwsSecretsManagerSource({ clientConfig: awsClientConfig(options) });
        break;
      case 'env':
        built = new EnvSource(options.env!);
        break;
      case 'dotenv':
        built = new DotenvSource(options.dotenv!);
        break;
    }
    owned.push(built);
    return built;
  };
  const sources = options.sources.map(build);
  const migration = options.migration;
  if (!migration) return { sources, owned };
  // The configured sources are the new side; the old side is a built-in source or the one given.
  const side = new SideBySideSource({ old: build(migration.old), new: sources.length === 1 ? sources[0] : new ChainSource(sources), prefer: migration.prefer ?? 'old' });
  return { sources: [side], owned };
}

/** The store from the options: the one passed in, or a new one over the configured sources. */
export function createSecretStoreResources(options: ResolvedSecretsOptions, logger: KeyturnLogger): SecretStoreResources {
  if (options.store !== undefined) return { store: options.store, ownsStore: false, ownedSources: [], migration: [] };
  const { sources, owned } = createSources(options);
  const store = new SecretStore({
    sources,
    ttlMs: options.ttlMs,
    staleIfErrorMs: options.staleIfErrorMs,
    refreshJitter: [options.refreshJitter[0], options.refreshJitter[1]],
    ...(options.startupJitterMs !== undefined ? { startupJitterMs: options.startupJitterMs } : {}),
    ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
    logger,
    ...(options.audit !== undefined ? { audit: options.audit } : {}),
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
  });
  return { store, ownsStore: true, ownedSources: owned, migration: sources.filter(isMigrationView) };
}

/** Stops a store the module built and destroys the sources (and SDK clients) it created. */
export async function releaseSecretStoreResources(resources: SecretStoreResources): Promise<void> {
  if (!resources.ownsStore) return;
  await resources.store.stop();
  await Promise.all(resources.ownedSources.map(async (s) => s.destroy?.()));
}
