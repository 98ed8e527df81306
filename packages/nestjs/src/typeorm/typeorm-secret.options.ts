import type { TypeOrmModuleOptions } from '@nestjs/typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions.js';
import type { AuthRetryOptions } from '../rebuild/auth-retry.options.js';
import type { ConnectionLogger } from '../rebuild/credentials-source.js';
import type { PgModule } from './rotating-pg-driver.js';

/**
 * TypeORM / `@nestjs/typeorm` options merged over those built from the secret (entities,
 * `synchronize`, `extra.idleTimeoutMillis`, `name`, `retryAttempts`, ...). The connection keys
 * that must follow the secret (`username`, `password`, `url`, `driver`, `replication`) are not accepted.
 */
export type TypeOrmSecretOverrides = Omit<Partial<PostgresConnectionOptions>, 'type' | 'username' | 'password' | 'url' | 'driver' | 'replication'> &
  Pick<TypeOrmModuleOptions, 'name' | 'retryAttempts' | 'retryDelay' | 'toRetry' | 'autoLoadEntities' | 'verboseRetryLog' | 'manualInitialization'>;

/** The options `typeOrmOptionsFromSecret` returns: ready for `TypeOrmModule.forRootAsync({ useFactory })` or `new DataSource()`. */
export type RotatingTypeOrmOptions = PostgresConnectionOptions & TypeOrmSecretOverrides;

/** How the data source reacts to rotation and rejected credentials. */
export interface TypeOrmRotationOptions {
  /**
   * Retry policy for new connections the server rejects (SQLSTATE 28P01 / 28000).
   * @default { budgetMs: 30_000, initialBackoffMs: 100, maxBackoffMs: 2_000, tryPending: true }
   * @example { retry: { budgetMs: 60_000 } }
   */
  retry?: AuthRetryOptions;
  /**
   * After a rotation, close each pooled connection opened with the previous version when it is
   * next released, so the pool drains to the new credentials (in-flight queries finish first).
   * With `false`, old connections stay until `idleTimeoutMillis` closes them.
   * @default true
   * @example { retireConnectionsOnRotation: false }
   */
  retireConnectionsOnRotation?: boolean;
  /**
   * The `pg` module to build on (for bundlers, or a patched build).
   * @default await import('pg')
   * @example { pg: require('pg') }
   */
  pg?: PgModule;
  /**
   * Receives rotation and authentication-retry messages (secret id, user and version ids only);
   * a rejected login is logged at warn. `false` silences them.
   * @default the `SecretsModule` logger (`TypeOrmSecretOptionsFactory`), else a Nest `Logger` with context 'Keyturn'
   * @example { logger: new Logger('Database') }
   */
  logger?: ConnectionLogger | false;
}

/** Defaults of {@link TypeOrmRotationOptions}. */
export const TYPEORM_ROTATION_DEFAULTS = { retireConnectionsOnRotation: true } as const satisfies Partial<TypeOrmRotationOptions>;
