import { Global, Logger, Module } from '@nestjs/common';
import { KeyturnRedisModule } from '@keyturn/nestjs/ioredis';
import { SECRET_DEFINITIONS } from '../secrets/secrets.constants.js';
import type { SecretDefinitions } from '../secrets/secret-definitions.js';
import { CacheService } from './cache.service.js';
import { IdempotencyService } from './idempotency.service.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { API_REDIS_NAME } from './redis.constants.js';

/** The API's Redis client (credentials follow the rotating Redis secret) and what uses it. */
@Global()
@Module({
  imports: [
    KeyturnRedisModule.forRootAsync({
      name: API_REDIS_NAME,
      inject: [SECRET_DEFINITIONS],
      useFactory: (defs: SecretDefinitions) => ({
        secret: defs.redis,
        redis: { maxRetriesPerRequest: 3, connectTimeout: 5_000 },
        logger: new Logger('Redis'),
      }),
    }),
  ],
  providers: [IdempotencyService, RateLimitGuard, CacheService],
  exports: [IdempotencyService, RateLimitGuard, CacheService],
})
export class RedisModule {}
