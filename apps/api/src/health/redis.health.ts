import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Redis } from 'ioredis';
import { API_REDIS } from '../redis/redis.constants.js';

/** Redis is up when PING answers within a second. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(API_REDIS) private readonly redis: Redis,
  ) {}

  async check<const Key extends string>(key: Key) {
    const session = this.health.check(key);
    try {
      const pong = await Promise.race([
        this.redis.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout after 1000 ms')), 1_000).unref()),
      ]);
      return pong === 'PONG' ? session.up() : session.down({ message: `unexpected reply ${pong}` });
    } catch (err) {
      return session.down({ message: err instanceof Error ? err.message : 'ping failed' });
    }
  }
}
