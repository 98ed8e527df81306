import { Module, type DynamicModule, type FactoryProvider, type Provider } from '@nestjs/common';
import { SecretsCoreModule } from './secrets-core.module.js';
import { SECRETS_ASYNC_OPTIONS_TYPE, SECRETS_OPTIONS_TYPE } from './secrets.module-definition.js';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import { getSecretToken } from './define-secret.js';
import { SecretHandleFactory } from './secret-handle.factory.js';
import { SECRET_STORE } from './secrets.constants.js';
import { SECRETS_PRIVATE_SERVICE, SECRETS_PRIVATE_STORE } from './secrets.internal-constants.js';
import { SecretsService } from './secrets.service.js';

/**
 * With `isGlobal: false` the core module keeps `SECRET_STORE` and `SecretsService` to itself; the
 * root `SecretsModule` provides them to the module that imports it.
 */
const LOCAL_PUBLIC_PROVIDERS: Provider[] = [
  { provide: SECRET_STORE, useExisting: SECRETS_PRIVATE_STORE },
  { provide: SecretsService, useExisting: SECRETS_PRIVATE_SERVICE },
];

function rootModule(core: DynamicModule, isGlobal: boolean | undefined): DynamicModule {
  if (isGlobal !== false) return { module: SecretsModule, imports: [core], exports: [core] };
  return { module: SecretsModule, imports: [core], providers: LOCAL_PUBLIC_PROVIDERS, exports: [SECRET_STORE, SecretsService] };
}

/**
 * AWS Secrets Manager for NestJS.
 *
 * @example
 * imports: [
 *   SecretsModule.forRootAsync({
 *     inject: [ConfigService],
 *     useFactory: (config: ConfigService) => ({ region: config.get('AWS_REGION'), sources: ['aws', 'env'] }),
 *   }),
 *   SecretsModule.forFeature(databaseSecret, stripeSecret),
 * ]
 */
@Module({})
export class SecretsModule {
  /**
   * Configures the store once for the application, in the root module. `SECRET_STORE` and
   * `SecretsService` are injectable everywhere by default; with `isGlobal: false` only in the module
   * that imports `forRoot`. `forFeature` works in any module either way.
   */
  static forRoot(options: typeof SECRETS_OPTIONS_TYPE = {}): DynamicModule {
    return rootModule(SecretsCoreModule.forRoot(options), options.isGlobal);
  }

  /** Like `forRoot`, with options from `useFactory` / `useClass` / `useExisting` (a `SecretsOptionsFactory`). */
  static forRootAsync(options: typeof SECRETS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return rootModule(SecretsCoreModule.forRootAsync(options), options.isGlobal);
  }

  /**
   * Registers typed secrets: each definition becomes an injectable `SecretHandle`
   * (`@InjectSecret(def)`), an async provider that resolves once the start-up batch has loaded it,
   * so a provider that injects it can read it in its factory or constructor. Secrets registered by
   * several modules share one cache entry.
   */
  static forFeature(...definitions: SecretDefinition<unknown>[]): DynamicModule {
    const providers: FactoryProvider[] = definitions.map((def) => ({
      provide: getSecretToken(def),
      useFactory: (handles: SecretHandleFactory) => handles.create(def),
      inject: [SecretHandleFactory],
    }));
    return { module: SecretsModule, providers, exports: providers.map((p) => p.provide) };
  }
}
