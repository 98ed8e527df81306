// Pins the public names of each entry point: a change here is a change of the package's API.
import * as root from './index';
import * as terminus from './terminus/index';
import * as config from './config/index';
import * as typeorm from './typeorm/index';
import * as ioredis from './ioredis/index';
import * as core from '@keyturn/core';
import * as connections from '@keyturn/core/connections';

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

  it('exports each name from exactly one entry point across @keyturn/nestjs and @keyturn/core', () => {
    const entries = { root, terminus, config, typeorm, ioredis, core, connections };
    const seen = new Map<string, string[]>();
    for (const [entry, names] of Object.entries(entries)) for (const name of Object.keys(names)) seen.set(name, [...(seen.get(name) ?? []), entry]);
    expect([...seen].filter(([, where]) => where.length > 1)).toEqual([]);
  });
});
