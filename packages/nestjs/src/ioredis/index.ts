export { createRotatingRedis, redisAuthCode, type RotatingRedis } from './rotating-redis.js';
export {
  REDIS_ROTATION_DEFAULTS,
  type IoRedisModule,
  type RedisClientOptions,
  type RedisRotationOptions,
} from './redis-secret.options.js';
export { parseRedisSecret, type RedisCredentials } from './redis-secret.js';
