import { getRedisClientToken } from '@keyturn/nestjs/ioredis';

/** Name of the API's ioredis client in the Keyturn Redis module. */
export const API_REDIS_NAME = 'api';

/** Injection token of the API's ioredis client (created by the Keyturn ioredis module). */
export const API_REDIS = getRedisClientToken(API_REDIS_NAME);
