/** Name of the client registered without a `name`. */
export const DEFAULT_REDIS_CLIENT_NAME = 'default';

/**
 * The injection token of the Redis client registered under `name`: a symbol, like the token
 * `getSecretToken` returns, and the same symbol on every call for the same name.
 * @example moduleRef.get(getRedisClientToken('cache'))
 */
export function getRedisClientToken(name: string = DEFAULT_REDIS_CLIENT_NAME): symbol {
  return Symbol.for(`@keyturn/nestjs/ioredis:KeyturnRedisClient(${name})`);
}
