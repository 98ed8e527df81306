import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretsService } from '@keyturn/nestjs';
import { typeOrmOptionsFromSecret } from '@keyturn/nestjs/typeorm';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import { SECRET_DEFINITIONS } from '../secrets/secrets.constants.js';
import type { SecretDefinitions } from '../secrets/secret-definitions.js';
import { ENTITIES } from './entities.js';

/**
 * TypeORM on PostgreSQL with credentials from the rotating database secret: each new connection
 * logs in with the current user and password; a refused login during a rotation forces a refresh
 * (and tries AWSPENDING) instead of failing the query.
 */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [SecretsService, API_OPTIONS, SECRET_DEFINITIONS],
          useFactory: (secrets: SecretsService, options: ApiOptions, defs: SecretDefinitions) =>
            typeOrmOptionsFromSecret(
              secrets,
              defs.postgres,
              { entities: ENTITIES, synchronize: options.synchronize, retryAttempts: 3, extra: { max: 10, connectionTimeoutMillis: 5_000 } },
              { logger: new Logger('Database') },
            ),
        }),
      ],
    };
  }
}
