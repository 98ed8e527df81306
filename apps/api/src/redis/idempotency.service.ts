import { ConflictException, Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_REDIS } from './redis.constants.js';

/** A claim on an idempotency key: either fresh (do the work) or a replay of a finished request. */
export type IdempotencyClaim = { readonly fresh: true } | { readonly fresh: false; readonly resultId: string };

/**
 * Idempotency keys in Redis: the first request with a key claims it, later ones get the stored
 * result id; a key claimed by a request still running is a 409.
 */
@Injectable()
export class IdempotencyService {
  static readonly TTL_SECONDS = 24 * 3600;
  private static readonly PENDING = '__pending__';

  constructor(@Inject(API_REDIS) private readonly redis: Redis) {}

  async claim(scope: string, key: string): Promise<IdempotencyClaim> {
    const redisKey = this.keyOf(scope, key);
    const set = await this.redis.set(redisKey, IdempotencyService.PENDING, 'EX', 60, 'NX');
    if (set === 'OK') return { fresh: true };
    const existing = await this.redis.get(redisKey);
    if (existing === null) return this.claim(scope, key);
    if (existing === IdempotencyService.PENDING) throw new ConflictException('A request with this Idempotency-Key is still being processed');
    return { fresh: false, resultId: existing };
  }

  async complete(scope: string, key: string, resultId: string): Promise<void> {
    await this.redis.set(this.keyOf(scope, key), resultId, 'EX', IdempotencyService.TTL_SECONDS);
  }

  async release(scope: string, key: string): Promise<void> {
    await this.redis.del(this.keyOf(scope, key));
  }

  private keyOf(scope: string, key: string): string {
    return `idem:${scope}:${key}`;
  }
}
