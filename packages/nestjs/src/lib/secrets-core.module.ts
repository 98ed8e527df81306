import { Logger, Module } from '@nestjs/common';
import type { KeyturnLogger } from '@keyturn/core';
import { ConfigurableSecretsModule, SECRETS_MODULE_OPTIONS } from './secrets.module-definition.js';
import { SECRET_STORE } from './secrets.constants.js';
import { KEYTURN_LOGGER, RESOLVED_SECRETS_OPTIONS, SECRET_STORE_RESOURCES, SECRETS_PRIVATE_FLEET, SECRETS_PRIVATE_MIGRATION, SECRETS_PRIVATE_SERVICE, SECRETS_PRIVATE_STORE } from './secrets.internal-constants.js';
import type { SecretsModuleOptions } from './interfaces/secrets-module-options.interface.js';
import { resolveSecretsOptions, type ResolvedSecretsOptions } from './secrets-options.validator.js';
import { toKeyturnLogger } from './keyturn-logger.adapter.js';
import { createSecretStoreResources, type SecretStoreResources } from './secret-store.factory.js';
import { SecretValueTransformer } from './secret-value.transformer.js';
import { SecretHandleFactory } from './secret-handle.factory.js';
import { SecretsLifecycle } from './secrets.lifecycle.js';
import { TenantSecrets } from './tenant-secrets.js';
import { SecretsService } from './secrets.service.js';
import { SecretsFleet } from './secrets-fleet.js';

const SILENT: KeyturnLogger = { log: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * The engine behind `SecretsModule`: options, the store, handles, lifecycle. Always a global module
 * (its hooks run before other modules', and `forFeature` works in any module); `isGlobal` (default
 * true) decides whether it also exports `SECRET_STORE` and `SecretsService` to every module.
 */
@Module({
  providers: [
    {
      provide: RESOLVED_SECRETS_OPTIONS,
      useFactory: (options: SecretsModuleOptions) => resolveSecretsOptions(options),
      inject: [SECRETS_MODULE_OPTIONS],
    },
    {
      provide: KEYTURN_LOGGER,
      useFactory: (options: ResolvedSecretsOptions): KeyturnLogger =>
        options.logger === false ? SILENT : toKeyturnLogger(options.logger ?? new Logger('Keyturn')),
      inject: [RESOLVED_SECRETS_OPTIONS],
    },
    {
      provide: SECRET_STORE_RESOURCES,
      useFactory: (options: ResolvedSecretsOptions, logger: KeyturnLogger) => createSecretStoreResources(options, logger),
      inject: [RESOLVED_SECRETS_OPTIONS, KEYTURN_LOGGER],
    },
    {
      provide: SECRET_STORE,
      useFactory: (resources: SecretStoreResources) => resources.store,
      inject: [SECRET_STORE_RESOURCES],
    },
    {
      provide: SECRETS_PRIVATE_FLEET,
      useFactory: (options: ResolvedSecretsOptions, resources: SecretStoreResources, logger: KeyturnLogger) => new SecretsFleet(options, resources, logger),
      inject: [RESOLVED_SECRETS_OPTIONS, SECRET_STORE_RESOURCES, KEYTURN_LOGGER],
    },
    SecretValueTransformer,
    SecretsLifecycle,
    SecretHandleFactory,
    TenantSecrets,
    SecretsService,
    { provide: SECRETS_PRIVATE_STORE, useExisting: SECRET_STORE },
    { provide: SECRETS_PRIVATE_SERVICE, useExisting: SecretsService },
    { provide: SECRETS_PRIVATE_MIGRATION, useFactory: (resources: SecretStoreResources) => resources.migration, inject: [SECRET_STORE_RESOURCES] },
  ],
  exports: [SecretHandleFactory, RESOLVED_SECRETS_OPTIONS, SECRETS_PRIVATE_STORE, SECRETS_PRIVATE_SERVICE, SECRETS_PRIVATE_MIGRATION, SECRETS_PRIVATE_FLEET],
})
export class SecretsCoreModule extends ConfigurableSecretsModule {}
