/** Name of the client registered without a `name`. */
export const DEFAULT_REDIS_CLIENT_NAME = 'default';

/**
 * The injection token of the Redis client registered under `name`.
 * @example moduleRef.get(getRedisClientToken('cache'))
 */
export function getRedisClientToken(name: string = DEFAULT_REDIS_CLIENT_NAME): string {
  return `KeyturnRedisClient(${name})`;
}
