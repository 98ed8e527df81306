// Pins the public names of @keyturn/core/connections: a change here is a change of the package's API.
import * as connections from './index';
import * as root from '../index';

describe('@keyturn/core/connections entry point', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(connections).sort()).toEqual([
      'AUTH_RETRY_DEFAULTS',
      'CredentialsRejectedError',
      'InvalidConnectionSecretError',
      'MissingDriverError',
      'PASSWORD_DEFAULTS',
      'PG_ROTATION_DEFAULTS',
      'REDIS_ROTATION_DEFAULTS',
      'ROTATING_CLIENT_DEFAULTS',
      'createRotatingClient',
      'createRotatingCredentials',
      'createRotatingPgDriver',
      'createRotatingRedis',
      'credentialsFromSecretHandle',
      'credentialsFromSecretStore',
      'generatePassword',
      'loadIoRedis',
      'loadPg',
      'parsePostgresSecret',
      'parseRedisSecret',
      'postgresAuthCode',
      'redisAuthCode',
    ]);
  });

  it('shares no name with the root entry point', () => {
    const rootNames = new Set(Object.keys(root));
    expect(Object.keys(connections).filter((name) => rootNames.has(name))).toEqual([]);
  });
});
