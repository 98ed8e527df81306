import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { SecretsCoreModule } from './secrets-core.module.js';
import { SECRETS_ASYNC_OPTIONS_TYPE, SECRETS_OPTIONS_TYPE } from './secrets.module-definition.js';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import { getSecretToken } from './define-secret.js';
import { SecretHandleFactory } from './secret-handle.factory.js';

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
  /** Configures the store once for the application (global by default). */
  static forRoot(options: typeof SECRETS_OPTIONS_TYPE = {}): DynamicModule {
    return { module: SecretsModule, imports: [SecretsCoreModule.forRoot(options)], exports: [SecretsCoreModule] };
  }

  /** Like `forRoot`, with options from `useFactory` / `useClass` / `useExisting` (a `SecretsOptionsFactory`). */
  static forRootAsync(options: typeof SECRETS_ASYNC_OPTIONS_TYPE): DynamicModule {
    return { module: SecretsModule, imports: [SecretsCoreModule.forRootAsync(options)], exports: [SecretsCoreModule] };
  }

  /**
   * Registers typed secrets: each definition becomes an injectable `SecretHandle`
   * (`@InjectSecret(def)`). Secrets registered by several modules share one cache entry.
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
