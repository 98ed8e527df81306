import * as entry from './index.js';

describe('@keyturn/nestjs/ioredis entry point', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'CredentialsRejectedError',
        'DEFAULT_REDIS_CLIENT_NAME',
        'InjectRedisClient',
        'KeyturnRedisModule',
        'REDIS_ROTATION_DEFAULTS',
        'createRotatingRedis',
        'credentialsFromSecretHandle',
        'credentialsFromSecretStore',
        'getRedisClientToken',
        'parseRedisSecret',
        'redisAuthCode',
      ].sort(),
    );
  });
});
