import { Inject, Injectable, Optional } from '@nestjs/common';
import type { KeyturnLogger, SecretStore } from '@keyturn/core';
import { SECRET_STORE } from '../lib/secrets.constants.js';
import { KEYTURN_LOGGER } from '../lib/secrets.internal-constants.js';
import { credentialsFromSecretStore } from '../rebuild/credentials-adapters.js';
import { typeOrmOptionsFromSecret } from './typeorm-options-from-secret.js';
import type { RotatingTypeOrmOptions, TypeOrmRotationOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';

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
  constructor(
    @Inject(SECRET_STORE) private readonly store: SecretStore,
    @Optional() @Inject(KEYTURN_LOGGER) private readonly logger?: KeyturnLogger,
  ) {}

  /**
   * Loads `secretId` (if not yet loaded) and returns options whose connections follow it. Rotation
   * and retry messages go to the `SecretsModule` logger unless `options.logger` says otherwise.
   */
  async create(secretId: string, overrides: TypeOrmSecretOverrides = {}, options: TypeOrmRotationOptions = {}): Promise<RotatingTypeOrmOptions> {
    const source = await credentialsFromSecretStore(this.store, secretId);
    return typeOrmOptionsFromSecret(source, overrides, { ...(this.logger ? { logger: this.logger } : {}), ...options });
  }
}
