import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SecretStore, SecretValue } from '@keyturn/core';
import { SECRET_STORE } from '@keyturn/nestjs';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import type { PostgresSecret } from '../secrets/secret-shapes.js';
import { ENTITIES } from './entities.js';

/** TypeORM on PostgreSQL with credentials from the rotating database secret. */
@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [SECRET_STORE, API_OPTIONS],
          useFactory: async (store: SecretStore, options: ApiOptions) => {
            const entry = await store.load<PostgresSecret>({ ref: options.secrets.postgres, transform: (v: SecretValue) => v.json<PostgresSecret>() });
            const first = entry.get();
            return {
              type: 'postgres' as const,
              host: first.host,
              port: first.port,
              database: first.dbname,
              username: first.username,
              // node-postgres calls this for every new physical connection: a rotated password is used at once.
              password: () => entry.get().password,
              entities: ENTITIES,
              synchronize: options.synchronize,
              extra: { max: 10, connectionTimeoutMillis: 5_000 },
            };
          },
        }),
      ],
    };
  }
}
