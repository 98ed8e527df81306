import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SecretStore } from '@keyturn/core';
import { SECRET_STORE } from '../lib/secrets.constants.js';
import { credentialsFromSecretStore, type PgRotationOptions } from '@keyturn/core/connections';
import { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
import type { RotatingTypeOrmOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';

/**
 * Injectable builder of rotation-safe TypeORM options from a secret of the `SecretsModule` store.
 * Register it with `extraProviders` of `TypeOrmModule.forRootAsync`.
 *
 * @example
 * TypeOrmModule.forRootAsync({
 *   name: 'reporting',
 *   extraProviders: [TypeOrmSecretOptionsFactory],
 *   inject: [TypeOrmSecretOptionsFactory],
 *   useFactory: (f: TypeOrmSecretOptionsFactory) => f.create('prod/reporting-db', { entities: [Report] }),
 * })
 */
@Injectable()
export class TypeOrmSecretOptionsFactory {
  constructor(@Inject(SECRET_STORE) private readonly store: SecretStore) {}

  /** Loads `secretId` (if not yet loaded) and returns options whose connections follow it. */
  async create(secretId: string, overrides: TypeOrmSecretOverrides = {}, options: PgRotationOptions = {}): Promise<RotatingTypeOrmOptions> {
    const source = await credentialsFromSecretStore(this.store, secretId);
    return typeOrmOptionsFromSecret(source, overrides, { logger: new Logger(`TypeOrm(${overrides.name ?? 'default'})`), ...options });
  }
}
