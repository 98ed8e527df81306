// Root entry of @keyturn/nestjs. Integrations with optional peers live in subpath entries
// (@keyturn/nestjs/terminus, /config, /typeorm, /ioredis) and are never imported from here.
export { SecretsModule } from './lib/secrets.module.js';
export { SecretsCoreModule } from './lib/secrets-core.module.js';
export { SecretsService } from './lib/secrets.service.js';
export { SECRET_STORE } from './lib/secrets.constants.js';
export { SECRETS_MODULE_OPTIONS } from './lib/secrets.module-definition.js';
export { SECRETS_DEFAULTS } from './lib/secrets.defaults.js';
export { defineSecret, getSecretToken } from './lib/define-secret.js';
export { InjectSecret } from './lib/secrets.decorators.js';
export { SecretValueTransformer } from './lib/secret-value.transformer.js';
export { resolveSecretsOptions, type ResolvedSecretsOptions } from './lib/secrets-options.validator.js';
export { InvalidSecretsOptionsError } from './lib/errors/invalid-secrets-options.error.js';
export { InvalidTenantIdError } from './lib/errors/invalid-tenant-id.error.js';
export { TenantsNotConfiguredError } from './lib/errors/tenants-not-configured.error.js';
export { SecretsModuleStartupError } from './lib/errors/secrets-module-startup.error.js';
export type { SecretHandle, SecretVersionStage } from './lib/interfaces/secret-handle.interface.js';
export type {
  DefineSecretOptions,
  SchemaOutput,
  SecretClassSchema,
  SecretDefinition,
  SecretSchema,
  SecretType,
} from './lib/interfaces/secret-definition.interface.js';
export type { SecretsModuleOptions, SecretSourceName, SecretsTenantOptions } from './lib/interfaces/secrets-module-options.interface.js';
export type { SecretsOptionsFactory } from './lib/interfaces/secrets-options-factory.interface.js';
