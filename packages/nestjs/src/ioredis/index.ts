export { KeyturnRedisModule, type KeyturnRedisClientOptions, type KeyturnRedisModuleAsyncOptions } from './keyturn-redis.module.js';
export { getRedisClientToken, DEFAULT_REDIS_CLIENT_NAME } from './redis-client.constants.js';
export { InjectRedisClient } from './redis-client.decorators.js';
export { createRotatingRedis, redisAuthCode, type RotatingRedis } from './rotating-redis.js';
export {
  REDIS_ROTATION_DEFAULTS,
  type IoRedisModule,
  type RedisClientOptions,
  type RedisRotationOptions,
} from './redis-secret.options.js';
export { parseRedisSecret, type RedisCredentials } from './redis-secret.js';
