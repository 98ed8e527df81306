import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { ConnectionLogger, PgRotationOptions } from '@keyturn/core/connections';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions.js';

/**
 * TypeORM / `@nestjs/typeorm` options merged over those built from the secret (entities,
 * `synchronize`, `extra.idleTimeoutMillis`, `name`, `retryAttempts`, ...). The connection keys
 * that must follow the secret (`username`, `password`, `url`, `driver`, `replication`) are not accepted.
 */
export type TypeOrmSecretOverrides = Omit<Partial<PostgresConnectionOptions>, 'type' | 'username' | 'password' | 'url' | 'driver' | 'replication'> &
  Pick<TypeOrmModuleOptions, 'name' | 'retryAttempts' | 'retryDelay' | 'toRetry' | 'autoLoadEntities' | 'verboseRetryLog' | 'manualInitialization'>;

/** The options `typeOrmOptionsFromSecret` returns: ready for `TypeOrmModule.forRootAsync({ useFactory })` or `new DataSource()`. */
export type RotatingTypeOrmOptions = PostgresConnectionOptions & TypeOrmSecretOverrides;

/** How the data source follows rotation and rejected credentials (see `PgRotationOptions` of `@keyturn/core/connections`). */
export interface TypeOrmRotationOptions extends Omit<PgRotationOptions, 'logger'> {
  /**
   * Receives rotation and authentication-retry messages (secret id, user and version ids only);
   * a rejected login is logged at warn. `false` silences them.
   * @default the `SecretsModule` logger, else a Nest `Logger` with context 'Keyturn'
   * @example { logger: new Logger('Database') }
   */
  logger?: ConnectionLogger | false;
}
