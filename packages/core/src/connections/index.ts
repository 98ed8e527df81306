// Entry point @keyturn/core/connections: framework-free connections that survive secret rotation.
// The optional drivers (`pg`, `ioredis`) are loaded on first use (see optional-drivers.ts), never
// when this entry point or the root entry point is imported.
export type { CredentialsSource, CredentialsVersion, ConnectionLogger, ConnectionEvent } from './credentials-source.js';
export { credentialsFromSecretHandle, credentialsFromSecretStore, type SecretHandleLike, type SecretInput } from './credentials-adapters.js';
export { AUTH_RETRY_DEFAULTS, type AuthRetryOptions } from './auth-retry.options.js';
export { createRotatingCredentials, type RotatingCredentials, type RotatingCredentialsOptions, type SelectedCredentials } from './rotating-credentials.js';
export {
  createRotatingClient,
  ROTATING_CLIENT_DEFAULTS,
  type RotatingClient,
  type RotatingClientOptions,
  type RotatingClientSecret,
  type ClientLease,
  type ClientSwapEvent,
} from './rotating-client.js';
export { CredentialsRejectedError, type CredentialsRejectedErrorOptions } from './errors/credentials-rejected.error.js';
export { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';
export { MissingDriverError } from './errors/missing-driver.error.js';
export { loadPg, loadIoRedis, type PgModule, type IoRedisModule } from './optional-drivers.js';
export { parsePostgresSecret, type PostgresCredentials } from './postgres-secret.js';
export { createRotatingPgDriver, postgresAuthCode, PG_ROTATION_DEFAULTS, type PgRotationOptions, type RotatingPgDriver } from './rotating-pg-driver.js';
export { parseRedisSecret, type RedisCredentials, type RedisSecretKey } from './redis-secret.js';
export { createRotatingRedis, redisAuthCode, type RotatingRedis } from './rotating-redis.js';
export { generatePassword, PASSWORD_DEFAULTS, type PasswordOptions } from './password-generator.js';
export { REDIS_ROTATION_DEFAULTS, type RedisClientOptions, type RedisRotationOptions } from './redis-rotation.options.js';
