import { Logger } from '@nestjs/common';
import { registerAs, type ConfigFactoryKeyHost } from '@nestjs/config';
import { SecretsStartupError, type KeyturnLogger, type SecretEntry, type SecretStore, type SecretValue } from '@keyturn/core';
import type { SecretDefinition, SecretType } from '../lib/interfaces/secret-definition.interface.js';
import type { SecretsModuleOptions } from '../lib/interfaces/secrets-module-options.interface.js';
import { resolveSecretsOptions, type ResolvedSecretsOptions } from '../lib/secrets-options.validator.js';
import { createSecretStoreResources, releaseSecretStoreResources, type SecretStoreResources } from '../lib/secret-store.factory.js';
import { SecretsModuleStartupError } from '../lib/errors/secrets-module-startup.error.js';
import { SecretValueTransformer } from '../lib/secret-value.transformer.js';
import { toKeyturnLogger } from '../lib/keyturn-logger.adapter.js';
import { renderSecretName } from '../lib/secret-name.template.js';
import { SECRETS_CONFIG_STORE } from '../lib/secrets.internal-constants.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const SILENT: KeyturnLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Options of {@link secretsConfigLoader}: the SecretsModule options plus the namespace and its secrets. */
export interface SecretsConfigLoaderOptions<D extends Record<string, SecretDefinition<unknown>>> extends Omit<SecretsModuleOptions, 'tenants'> {
  /**
   * Config namespace: `configService.get('<namespace>.<key>')`.
   * @example 'db'
   */
  namespace: string;
  /**
   * Config keys and the secret behind each.
   * @example { password: defineSecret('app/db', { key: 'password' }) }
   */
  secrets: D;
}

/** The values a loader exposes, typed from its definitions. */
export type SecretsConfig<D extends Record<string, SecretDefinition<unknown>>> = { readonly [K in keyof D]: SecretType<D[K]> };

/** A `ConfigFactory` for `ConfigModule.forRoot({ load: [...] })` with `KEY` and `asProvider()`, like `registerAs`. */
export type SecretsConfigFactory<D extends Record<string, SecretDefinition<unknown>>> = (() => Promise<SecretsConfig<D>>) &
  ConfigFactoryKeyHost<Promise<SecretsConfig<D>>>;

/**
 * Exposes secrets through `@nestjs/config`: `configService.get('db.password')` always returns the
 * latest validated version (the namespace object reads the store on each access, so rotations show
 * without a restart; do not enable ConfigModule's `cache` for these keys). Printing the namespace
 * object shows key names only.
 *
 * Which store: ConfigModule turns each `load` entry (and `forFeature` / `asProvider()`) into a factory
 * provider with no injected dependencies (`inject: []`), so a loader cannot be handed the
 * SecretsModule's store by Nest. Pass `store` to share one: the same `SecretStore` given to
 * `SecretsModule.forRoot({ store })` and to the loader means one cache, one refresh loop and one
 * health view. Without `store`, the loader starts its own store when ConfigModule loads it (a missing
 * or invalid required secret fails start-up, listing every failure) and stops it on application
 * shutdown; `SecretsHealthIndicator` reports its secrets next to the module's.
 *
 * @example
 * ConfigModule.forRoot({
 *   load: [secretsConfigLoader({ namespace: 'db', region: 'eu-west-1',
 *     secrets: { password: defineSecret('app/db', { key: 'password' }) } })],
 * })
 */
export function secretsConfigLoader<D extends Record<string, SecretDefinition<unknown>>>(
  options: SecretsConfigLoaderOptions<D>,
): SecretsConfigFactory<D> {
  const { namespace, secrets, ...moduleOptions } = options;
  if (typeof namespace !== 'string' || namespace === '' || namespace.includes('.')) {
    throw new TypeError("secretsConfigLoader: namespace must be a non-empty name without dots, e.g. 'db'");
  }
  const resolved = resolveSecretsOptions(moduleOptions);
  // ConfigModule calls the factory once per registration (forRoot `load` and each `forFeature`):
  // they share one store until the application shuts down, then the next boot starts a new one.
  let current: Promise<SecretsConfig<D>> | undefined;
  const factory = (): Promise<SecretsConfig<D>> => {
    current ??= (async () => {
      const logger = resolved.logger === false ? SILENT : toKeyturnLogger(resolved.logger ?? new Logger('Keyturn'));
      const resources = createSecretStoreResources(resolved, logger);
      const entries = await registerAll(secrets, resolved, resources);
      return buildConfigObject<D>(namespace, entries, resources.store, async () => {
        current = undefined;
        await releaseSecretStoreResources(resources);
      });
    })();
    const loading = current;
    loading.catch(() => {
      if (current === loading) current = undefined;
    });
    return loading;
  };
  return registerAs(namespace, factory) as unknown as SecretsConfigFactory<D>;
}

/**
 * A store the loader built: register everything, then one batched start (a failure lists every
 * failing secret). A store passed in may already be running: each secret then loads on demand.
 */
async function registerAll(
  secrets: Record<string, SecretDefinition<unknown>>,
  resolved: ResolvedSecretsOptions,
  resources: SecretStoreResources,
): Promise<Map<string, SecretEntry<unknown>>> {
  const transformer = new SecretValueTransformer();
  const inputs = Object.entries(secrets).map(([key, definition]) => {
    const secretId = renderSecretName(definition.secretId, resolved.variables);
    const def = { ...definition, secretId, ref: { ...definition.ref, secretId } };
    const input = {
      ref: def.ref,
      required: def.required,
      ...(def.ttlMs !== undefined ? { ttlMs: def.ttlMs } : {}),
      transform: (value: SecretValue) => transformer.transform(def, value),
    };
    return [key, input] as const;
  });
  const { store } = resources;
  if (!resources.ownsStore) {
    const loaded = await Promise.all(inputs.map(async ([key, input]) => [key, await store.load(input)] as const));
    return new Map(loaded);
  }
  const entries = new Map(inputs.map(([key, input]) => [key, store.register(input)] as const));
  try {
    await store.start();
  } catch (err) {
    await releaseSecretStoreResources(resources);
    throw err instanceof SecretsStartupError ? new SecretsModuleStartupError(err.failures) : err;
  }
  return entries;
}

function buildConfigObject<D extends Record<string, SecretDefinition<unknown>>>(
  namespace: string,
  entries: Map<string, SecretEntry<unknown>>,
  store: SecretStore,
  release: () => Promise<void>,
): SecretsConfig<D> {
  const config: Record<string, unknown> = {};
  for (const [key, entry] of entries) {
    // A getter, not a copy: ConfigService reads through it, so a rotation shows at the next get().
    Object.defineProperty(config, key, { get: () => entry.get(), enumerable: true });
  }
  const describe = () => Object.fromEntries([...entries.keys()].map((k) => [k, '[redacted]']));
  let released: Promise<void> | undefined;
  Object.defineProperties(config, {
    toJSON: { value: describe, enumerable: false },
    [INSPECT]: { value: () => `SecretsConfig <${namespace}> ${JSON.stringify(describe())}`, enumerable: false },
    [SECRETS_CONFIG_STORE]: { value: store, enumerable: false },
    // Nest calls lifecycle hooks on provider values too (once per ConfigModule provider holding this object).
    onApplicationShutdown: { value: () => (released ??= release()), enumerable: false },
  });
  return config as SecretsConfig<D>;
}
