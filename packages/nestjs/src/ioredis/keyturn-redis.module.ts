import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnApplicationShutdown, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRotatingRedis, type RedisRotationOptions, type RotatingRedis, type SecretInput } from '@keyturn/core/connections';
import { DEFAULT_REDIS_CLIENT_NAME, getRedisClientToken } from './redis-client.constants.js';

/** What the `useFactory` of {@link KeyturnRedisModule.forRootAsync} returns. */
export interface KeyturnRedisClientOptions extends RedisRotationOptions {
  /**
   * The secret holding the Redis credentials: a `SecretHandle` or a `CredentialsSource`.
   * @example await credentialsFromSecretStore(store, 'prod/redis')
   */
  source: SecretInput;
}

/** Registration of one Redis client. */
export interface KeyturnRedisModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /**
   * Name of the client; inject it with `@InjectRedisClient(name)` / `getRedisClientToken(name)`.
   * @default 'default'
   * @example 'cache'
   */
  name?: string;
  /** Builds the client options (usually from an injected `SECRET_STORE` or `SecretsService`). */
  useFactory: (...args: never[]) => KeyturnRedisClientOptions | Promise<KeyturnRedisClientOptions>;
  /** Providers passed to `useFactory`. @default [] */
  inject?: (InjectionToken | OptionalFactoryDependency)[];
  /**
   * Register the client token globally.
   * @default true
   * @example false
   */
  isGlobal?: boolean;
}

/** Quits a client on application shutdown. */
class RedisClientShutdown implements OnApplicationShutdown {
  constructor(private readonly rotating: RotatingRedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rotating.close();
  }
}

/**
 * Provides ioredis clients whose credentials follow a secret (see `createRotatingRedis`).
 * Clients are connected before the application starts and quit on shutdown.
 *
 * @example
 * KeyturnRedisModule.forRootAsync({
 *   name: 'cache',
 *   inject: [SECRET_STORE],
 *   useFactory: async (store: SecretStore) => ({
 *     source: await credentialsFromSecretStore(store, 'prod/redis'),
 *     redis: { keyPrefix: 'app:' },
 *   }),
 * })
 */
@Module({})
export class KeyturnRedisModule {
  static forRootAsync(options: KeyturnRedisModuleAsyncOptions): DynamicModule {
    const token = getRedisClientToken(options.name);
    // Internal providers: string tokens derived from the client name, never exported.
    const internal = `KeyturnRedisClient(${options.name ?? DEFAULT_REDIS_CLIENT_NAME})`;
    const rotatingToken = `${internal}:rotating`;
    const providers: Provider[] = [
      {
        provide: rotatingToken,
        inject: options.inject ?? [],
        useFactory: async (...args: never[]) => {
          const { source, ...rest } = await options.useFactory(...args);
          return createRotatingRedis(source, rest);
        },
      },
      { provide: token, inject: [rotatingToken], useFactory: (rotating: RotatingRedis): Redis => rotating.client },
      { provide: `${internal}:shutdown`, inject: [rotatingToken], useFactory: (rotating: RotatingRedis) => new RedisClientShutdown(rotating) },
    ];
    return {
      module: KeyturnRedisModule,
      global: options.isGlobal ?? true,
      imports: options.imports ?? [],
      providers,
      exports: [token],
    };
  }
}
