import { HttpException, HttpStatus, Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import type { AuthenticatedRequest } from '../auth/jwt-auth.guard.js';
import { API_REDIS } from './redis.constants.js';

/** Fixed one-minute window per user (or client address) counted in Redis; 429 over the limit. Use after JwtAuthGuard. */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(API_REDIS) private readonly redis: Redis,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const res = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>();
    const who = req.user?.sub ?? req.ip ?? 'anonymous';
    const window = Math.floor(Date.now() / 60_000);
    const key = `rl:${who}:${window}`;
    const [[, count]] = (await this.redis.multi().incr(key).expire(key, 61).exec()) as [[Error | null, number], unknown];
    const limit = this.options.rateLimitPerMinute;
    res.setHeader('X-RateLimit-Limit', String(limit));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, limit - count)));
    if (count > limit) throw new HttpException('Rate limit exceeded, retry in a minute', HttpStatus.TOO_MANY_REQUESTS);
    return true;
  }
}
