// Pins the public names of each entry point: a change here is a change of the package's API.
import * as root from './index';
import * as terminus from './terminus/index';
import * as config from './config/index';

describe('entry points', () => {
  it('@keyturn/nestjs', () => {
    expect(Object.keys(root).sort()).toEqual([
      'InjectSecret',
      'InvalidSecretsOptionsError',
      'InvalidTenantIdError',
      'ROTATION_WINDOW_DEFAULTS',
      'RotationWindow',
      'SECRET_STORE',
      'SecretNameVariableMissingError',
      'SecretsModule',
      'SecretsModuleStartupError',
      'SecretsService',
      'TenantsNotConfiguredError',
      'defineSecret',
      'getSecretToken',
    ]);
  });

  it('@keyturn/nestjs/terminus', () => {
    expect(Object.keys(terminus).sort()).toEqual(['SECRETS_HEALTH_DEFAULTS', 'SECRETS_HEALTH_OPTIONS', 'SecretsHealthIndicator', 'SecretsHealthModule']);
  });

  it('@keyturn/nestjs/config', () => {
    expect(Object.keys(config).sort()).toEqual(['secretsConfigLoader']);
  });
});
