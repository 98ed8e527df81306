import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_REDIS } from './redis.constants.js';

/** A small JSON read-through cache in Redis. */
@Injectable()
export class CacheService {
  constructor(@Inject(API_REDIS) private readonly redis: Redis) {}

  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T | null>): Promise<{ value: T | null; hit: boolean }> {
    const cached = await this.redis.get(`cache:${key}`);
    if (cached !== null) return { value: JSON.parse(cached) as T, hit: true };
    const value = await load();
    if (value !== null) await this.redis.set(`cache:${key}`, JSON.stringify(value), 'EX', ttlSeconds);
    return { value, hit: false };
  }

  async invalidate(key: string): Promise<void> {
    await this.redis.del(`cache:${key}`);
  }
}
