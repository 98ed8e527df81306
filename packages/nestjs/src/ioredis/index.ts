export { KeyturnRedisModule, type KeyturnRedisClientOptions, type KeyturnRedisModuleAsyncOptions } from './keyturn-redis.module.js';
export { getRedisClientToken, DEFAULT_REDIS_CLIENT_NAME } from './redis-client.constants.js';
export { InjectRedisClient } from './redis-client.decorators.js';
