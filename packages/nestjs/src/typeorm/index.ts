export { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
export { TypeOrmSecretOptionsFactory } from './typeorm-secret-options.factory.js';
export {
  TYPEORM_ROTATION_DEFAULTS,
  type RotatingTypeOrmOptions,
  type TypeOrmRotationOptions,
  type TypeOrmSecretOverrides,
} from './typeorm-secret.options.js';
export { parsePostgresSecret, type PostgresCredentials } from './postgres-secret.js';
export { createRotatingPgDriver, postgresAuthCode, type PgModule, type RotatingPgDriver, type RotatingPgDriverOptions } from './rotating-pg-driver.js';
export { credentialsFromSecretHandle, credentialsFromSecretStore, type SecretHandleLike, type SecretInput } from '../rebuild/credentials-adapters.js';
export type { CredentialsSource, CredentialsVersion } from '../rebuild/credentials-source.js';
export { AUTH_RETRY_DEFAULTS, type AuthRetryOptions } from '../rebuild/auth-retry.options.js';
export { CredentialsRejectedError } from '../rebuild/errors/credentials-rejected.error.js';
export { InvalidConnectionSecretError } from '../rebuild/errors/invalid-connection-secret.error.js';
