import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
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
