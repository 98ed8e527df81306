// Root entry of @keyturn/nestjs. Integrations with optional peers live in subpath entries
// (@keyturn/nestjs/terminus, /config, /typeorm, /ioredis) and are never imported from here.
// The connection helpers below (RotatingClient, the credential adapters, their retry options and
// errors) need no optional peer; the /typeorm and /ioredis entries use them and do not re-export them.
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
export { RotatingClient, ROTATING_CLIENT_DEFAULTS, type RotatingClientOptions, type ClientLease, type ClientSwapEvent } from './rebuild/rotating-client.js';
export { credentialsFromSecretHandle, credentialsFromSecretStore, type SecretHandleLike, type SecretInput } from './rebuild/credentials-adapters.js';
export type { CredentialsSource, CredentialsVersion, ConnectionLogger, ConnectionEvent } from './rebuild/credentials-source.js';
export { AUTH_RETRY_DEFAULTS, type AuthRetryOptions } from './rebuild/auth-retry.options.js';
export { CredentialsRejectedError, type CredentialsRejectedErrorOptions } from './rebuild/errors/credentials-rejected.error.js';
export { InvalidConnectionSecretError } from './rebuild/errors/invalid-connection-secret.error.js';
