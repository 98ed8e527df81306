import { Global, Module, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import type { SecretStore, SecretValue } from '@keyturn/core';
import { SECRET_STORE } from '@keyturn/nestjs';
import { Redis } from 'ioredis';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import type { RedisSecret } from '../secrets/secret-shapes.js';
import { CacheService } from './cache.service.js';
import { IdempotencyService } from './idempotency.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { API_REDIS } from './redis.constants.js';

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(API_REDIS) private readonly redis: Redis) {}
  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** The API's Redis client (credentials from the rotating Redis secret) and what uses it. */
@Global()
@Module({
  providers: [
    {
      provide: API_REDIS,
      inject: [SECRET_STORE, API_OPTIONS],
      useFactory: async (store: SecretStore, options: ApiOptions) => {
        const entry = await store.load<RedisSecret>({ ref: options.secrets.redis, transform: (v: SecretValue) => v.json<RedisSecret>() });
        const s = entry.get();
        const client = new Redis({ host: s.host, port: s.port, username: s.username, password: s.password, lazyConnect: true, maxRetriesPerRequest: 2 });
        entry.subscribe((event) => {
          client.options.username = event.value.username;
          client.options.password = event.value.password;
        });
        await client.connect();
        return client;
      },
    },
    RedisShutdown,
    IdempotencyService,
    RateLimitGuard,
    CacheService,
  ],
  exports: [API_REDIS, IdempotencyService, RateLimitGuard, CacheService],
})
export class RedisModule {}
