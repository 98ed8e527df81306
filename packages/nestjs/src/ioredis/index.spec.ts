import * as entry from './index.js';

describe('@keyturn/nestjs/ioredis entry point', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'DEFAULT_REDIS_CLIENT_NAME',
        'InjectRedisClient',
        'KeyturnRedisModule',
        'getRedisClientToken',
      ].sort(),
    );
  });
});

describe('getRedisClientToken', () => {
  it('returns a symbol, like getSecretToken, the same one for the same name', () => {
    expect(typeof entry.getRedisClientToken('cache')).toBe('symbol');
    expect(entry.getRedisClientToken('cache')).toBe(entry.getRedisClientToken('cache'));
    expect(entry.getRedisClientToken()).toBe(entry.getRedisClientToken(entry.DEFAULT_REDIS_CLIENT_NAME));
    expect(entry.getRedisClientToken('cache')).not.toBe(entry.getRedisClientToken('sessions'));
  });
});
