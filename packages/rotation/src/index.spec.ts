import * as root from './index';
import * as pgSingle from './lambda/postgres-single-user';
import * as pgAlt from './lambda/postgres-alternating-users';
import * as redis from './lambda/redis-acl-user';
import * as random from './lambda/random-key';

describe('entry points', () => {
  it('pins the root export list', () => {
    expect(Object.keys(root).sort()).toEqual(
      [
        'ConsoleRotationLogger',
        'DEFAULT_EXCLUDE_CHARACTERS',
        'DEFAULT_PASSWORD_OPTIONS',
        'MissingPeerDependencyError',
        'RotationError',
        'RotationGuardError',
        'RotationStepError',
        'SecretShapeError',
        'SecretVersion',
        'SilentRotationLogger',
        'UpstreamError',
        'alternateUsername',
        'clientConfigFromEnv',
        'createRotationHandler',
        'passwordOptionsFromEnv',
        'postgresAlternatingUsers',
        'postgresSingleUser',
        'randomKey',
        'redisAclUser',
      ].sort(),
    );
  });

  it.each([
    ['postgres-single-user', pgSingle],
    ['postgres-alternating-users', pgAlt],
    ['redis-acl-user', redis],
    ['random-key', random],
  ])('lambda/%s exports exactly a handler function', (_name, mod) => {
    expect(Object.keys(mod)).toEqual(['handler']);
    expect(typeof (mod as { handler: unknown }).handler).toBe('function');
  });
});
