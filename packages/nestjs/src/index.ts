// Root entry of @keyturn/nestjs: the Nest surface only. Integrations with optional peers live in
// subpath entries (@keyturn/nestjs/terminus, /config, /typeorm, /ioredis) and are never imported
// from here. Framework-free connection helpers (RotatingClient, the credential adapters, their
// retry options and errors) come from @keyturn/core/connections; nothing here re-exports them.
export { SecretsModule } from './lib/secrets.module.js';
export { SecretsService } from './lib/secrets.service.js';
export { SECRET_STORE } from './lib/secrets.constants.js';
export { defineSecret, getSecretToken } from './lib/define-secret.js';
export { InjectSecret } from './lib/secrets.decorators.js';
export { InvalidSecretsOptionsError } from './lib/errors/invalid-secrets-options.error.js';
export { InvalidTenantIdError } from './lib/errors/invalid-tenant-id.error.js';
export { TenantsNotConfiguredError } from './lib/errors/tenants-not-configured.error.js';
export { SecretsModuleStartupError } from './lib/errors/secrets-module-startup.error.js';
export { SecretNameVariableMissingError } from './lib/errors/secret-name-variable-missing.error.js';
export {
  RotationWindow,
  ROTATION_WINDOW_DEFAULTS,
  type RotationWindowOptions,
  type RotationWindowSource,
  type RotationWindowVerifyOptions,
} from './lib/rotation-window.js';
export type { SecretHandle, SecretVersionStage } from './lib/interfaces/secret-handle.interface.js';
export type {
  DefineSecretOptions,
  SchemaOutput,
  SecretClassSchema,
  SecretDefinition,
  SecretSchema,
  SecretType,
} from './lib/interfaces/secret-definition.interface.js';
export type { SecretsModuleOptions, SecretSourceName, SecretsTenantOptions, SecretsMigrationOptions } from './lib/interfaces/secrets-module-options.interface.js';
export type { SecretsInvalidationOptions, SecretsWatcherOptions } from './lib/interfaces/secrets-invalidation-options.interface.js';
export type { SecretsOptionsFactory } from './lib/interfaces/secrets-options-factory.interface.js';
export type { ConnectionSecret } from './lib/connection-secret.js';
