import { parseRedisSecret } from './redis-secret.js';
import { redisAuthCode } from './rotating-redis.js';

describe('parseRedisSecret', () => {
  it('reads host, port, ACL user, password and tls; hides the password', () => {
    const c = parseRedisSecret({ host: 'cache', port: 6380, username: 'app', password: 'pw-canary', tls: true, user_arn: 'arn:x' }, 'cache/app');
    expect(c).toEqual({ host: 'cache', port: 6380, username: 'app', tls: true });
    expect(c.password).toBe('pw-canary');
    expect(JSON.stringify(c)).not.toContain('pw-canary');
  });

  it('takes a plain string as the password of the default user', () => {
    expect(parseRedisSecret('just-a-password', 'cache/app').password).toBe('just-a-password');
  });

  it('names the secret when the password is missing', () => {
    expect(() => parseRedisSecret({ username: 'app' }, 'cache/app')).toThrow(/"cache\/app" .*password/);
    expect(() => parseRedisSecret({ username: 'app', password: '' }, 'cache/app')).toThrow(/"cache\/app" .*password/);
  });

  it('requires the keys it is told to, naming them and never a value', () => {
    expect(parseRedisSecret({ host: 'cache', username: 'app' }, 'cache/app', ['host', 'username'])).toEqual({ host: 'cache', port: undefined, username: 'app', tls: undefined });
    expect(() => parseRedisSecret({ password: 'pw-canary' }, 'cache/app', ['host', 'username'])).toThrow(/missing key\(s\) host, username$/);
    expect(() => parseRedisSecret({ host: 'h', username: 'u', port: 'x', password: 'pw-canary' }, 'cache/app')).toThrow(/port is not a TCP port/);
    expect(parseRedisSecret({ password: 'p', ssl: 'true' }, 'cache/app').tls).toBe(true);
  });
});

describe('redisAuthCode', () => {
  it('recognises WRONGPASS and NOAUTH only', () => {
    expect(redisAuthCode(new Error('WRONGPASS invalid username-password pair or user is disabled.'))).toBe('WRONGPASS');
    expect(redisAuthCode(new Error('NOAUTH Authentication required.'))).toBe('NOAUTH');
    expect(redisAuthCode(new Error('ERR unknown command'))).toBeUndefined();
  });
});
