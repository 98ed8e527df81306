import * as entry from './index.js';

describe('@keyturn/nestjs/typeorm entry point', () => {
  it('exports exactly these values', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'AUTH_RETRY_DEFAULTS',
        'CredentialsRejectedError',
        'InvalidConnectionSecretError',
        'TYPEORM_ROTATION_DEFAULTS',
        'TypeOrmSecretOptionsFactory',
        'createRotatingPgDriver',
        'credentialsFromSecretHandle',
        'credentialsFromSecretStore',
        'parsePostgresSecret',
        'postgresAuthCode',
        'typeOrmOptionsFromSecret',
      ].sort(),
    );
  });
});
