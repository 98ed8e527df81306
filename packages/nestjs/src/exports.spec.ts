// Pins the public names of each entry point: a change here is a change of the package's API.
import * as root from './index';
import * as terminus from './terminus/index';
import * as config from './config/index';
import * as typeorm from './typeorm/index';
import * as ioredis from './ioredis/index';
import * as core from '@keyturn/core';
import * as connections from '@keyturn/core/connections';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ts from 'typescript';

/** Every name an entry file exports, types included (read from its `export { ... }` declarations). */
function exportedNames(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022);
  return source.statements.flatMap((statement) =>
    ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause) ? statement.exportClause.elements.map((e) => e.name.text) : [],
  );
}

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

  it('exports each type and value name from exactly one entry point, and the root only the Nest surface', () => {
    const packages = join(__dirname, '..', '..');
    const entries = {
      '@keyturn/nestjs': 'nestjs/src/index.ts',
      '@keyturn/nestjs/typeorm': 'nestjs/src/typeorm/index.ts',
      '@keyturn/nestjs/ioredis': 'nestjs/src/ioredis/index.ts',
      '@keyturn/nestjs/terminus': 'nestjs/src/terminus/index.ts',
      '@keyturn/nestjs/config': 'nestjs/src/config/index.ts',
      '@keyturn/core': 'core/src/index.ts',
      '@keyturn/core/connections': 'core/src/connections/index.ts',
    };
    const seen = new Map<string, string[]>();
    for (const [entry, file] of Object.entries(entries)) for (const name of exportedNames(join(packages, file))) seen.set(name, [...(seen.get(name) ?? []), entry]);
    expect([...seen].filter(([, where]) => where.length > 1)).toEqual([]);
    expect(exportedNames(join(packages, entries['@keyturn/nestjs'])).sort()).toEqual([
      'ConnectionSecret',
      'DefineSecretOptions',
      'InjectSecret',
      'InvalidSecretsOptionsError',
      'InvalidTenantIdError',
      'ROTATION_WINDOW_DEFAULTS',
      'RotationWindow',
      'RotationWindowOptions',
      'RotationWindowSource',
      'RotationWindowVerifyOptions',
      'SECRET_STORE',
      'SchemaOutput',
      'SecretClassSchema',
      'SecretDefinition',
      'SecretHandle',
      'SecretNameVariableMissingError',
      'SecretSchema',
      'SecretSourceName',
      'SecretType',
      'SecretVersionStage',
      'SecretsInvalidationOptions',
      'SecretsMigrationOptions',
      'SecretsModule',
      'SecretsModuleOptions',
      'SecretsModuleStartupError',
      'SecretsOptionsFactory',
      'SecretsService',
      'SecretsTenantOptions',
      'SecretsWatcherOptions',
      'TenantsNotConfiguredError',
      'defineSecret',
      'getSecretToken',
    ]);
  });
});
