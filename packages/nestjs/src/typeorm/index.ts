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
