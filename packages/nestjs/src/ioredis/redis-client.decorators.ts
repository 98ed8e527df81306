import { Inject } from '@nestjs/common';
import { getRedisClientToken } from './redis-client.constants.js';

/**
 * Injects the ioredis client registered with `KeyturnRedisModule.forRootAsync({ name })`.
 * @example constructor(@InjectRedisClient('cache') private readonly redis: Redis) {}
 */
export const InjectRedisClient = (name?: string): ParameterDecorator & PropertyDecorator => Inject(getRedisClientToken(name));
