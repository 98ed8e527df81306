import { Module, type DynamicModule, type InjectionToken, type ModuleMetadata, type OnApplicationShutdown, type OptionalFactoryDependency, type Provider } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { createRotatingRedis, type ConnectionLogger, type RedisRotationOptions, type RotatingRedis } from '@keyturn/core/connections';
import { connectionLogger } from '../lib/connection-logger.js';
import { resolveConnectionSecret, type ConnectionSecret } from '../lib/connection-secret.js';
import { SecretsService } from '../lib/secrets.service.js';
import { DEFAULT_REDIS_CLIENT_NAME, getRedisClientToken } from './redis-client.constants.js';

/** What the `useFactory` of {@link KeyturnRedisModule.forRootAsync} returns. */
export interface KeyturnRedisClientOptions extends Omit<RedisRotationOptions, 'logger'> {
  /**
   * The secret holding the Redis credentials: a `defineSecret` definition or a secret id (read
   * through the `SecretsModule`), or a `SecretHandle` / `CredentialsSource`.
   * @example RedisSecret
   * @example 'prod/redis'
   */
  secret: ConnectionSecret;
  /**
   * Receives rotation, re-authentication and connection messages (secret id, user, version ids
   * only); a rejected authentication is logged at warn. `false` silences them.
   * @default the `SecretsModule` logger when the module is imported, else a Nest `Logger` with context 'Keyturn'
   * @example { logger: new Logger('Redis') }
   */
  logger?: ConnectionLogger | false;
}

/** Registration of one Redis client. */
export interface KeyturnRedisModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /**
   * Name of the client; inject it with `@InjectRedisClient(name)` / `getRedisClientToken(name)`.
   * @default 'default'
   * @example 'cache'
   */
  name?: string;
  /** Builds the client options (the secret, ioredis options, retry policy). */
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

function noSecretsModule(): never {
  throw new Error('SecretsService is not available');
}

/** Quits a client on application shutdown. */
class RedisClientShutdown implements OnApplicationShutdown {
  constructor(private readonly rotating: RotatingRedis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.rotating.close();
  }
}

/**
 * Provides ioredis clients whose credentials follow a secret (see `createRotatingRedis` of
 * `@keyturn/core/connections`). Clients are connected before the application starts and quit on shutdown.
 *
 * @example
 * const RedisSecret = defineSecret('{env}/redis');
 * KeyturnRedisModule.forRootAsync({
 *   name: 'cache',
 *   useFactory: () => ({ secret: RedisSecret, redis: { keyPrefix: 'app:' } }),
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
        // Optional: only a definition or id needs the SecretsModule (which also gives the default logger).
        inject: [{ token: SecretsService, optional: true }, ...(options.inject ?? [])],
        useFactory: async (secrets: SecretsService | undefined, ...args: never[]) => {
          const { secret, logger, ...rest } = await options.useFactory(...args);
          const source = await resolveConnectionSecret(secret, () => secrets ?? noSecretsModule(), 'KeyturnRedisModule');
          return createRotatingRedis(source, { ...rest, logger: connectionLogger(logger, secrets) });
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
