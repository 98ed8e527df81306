import { createRotatingPgDriver, type SecretInput } from '@keyturn/core/connections';
import { connectionLogger } from '../lib/connection-logger.js';
import { resolveConnectionSecret } from '../lib/connection-secret.js';
import type { SecretDefinition } from '../lib/interfaces/secret-definition.interface.js';
import { SecretsService } from '../lib/secrets.service.js';
import type { RotatingTypeOrmOptions, TypeOrmRotationOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';

/**
 * Builds PostgreSQL options for `TypeOrmModule.forRootAsync` from a database secret (RDS shape:
 * host, port, dbname, username, password, ssl): call it in `useFactory` with the injected
 * `SecretsService` and the secret's definition (or id); outside Nest (`new DataSource()`), give
 * a `SecretHandle` or a `CredentialsSource` instead.
 *
 * Every new physical connection authenticates with the secret's current username and password
 * (so single-user and alternating-users rotation both work); existing connections are kept. When
 * PostgreSQL rejects a login (28P01 / 28000), the pool forces a refresh of the secret, tries
 * AWSPENDING if AWSCURRENT has not moved, and retries with capped back-off within
 * `retry.budgetMs`, so queries issued during a rotation wait instead of failing.
 *
 * @param overrides TypeORM options merged over those from the secret (`entities`, `name`, `extra`, ...).
 * @param options rotation settings; `logger` defaults to the `SecretsModule` logger, else a Nest `Logger` with context 'Keyturn' (`false` silences it).
 *
 * @example
 * const ReportingDb = defineSecret('{env}/reporting-db', { schema: DatabaseSecret });
 * TypeOrmModule.forRootAsync({
 *   name: 'reporting',
 *   inject: [SecretsService],
 *   useFactory: (secrets: SecretsService) => typeOrmOptionsFromSecret(secrets, ReportingDb, { name: 'reporting', entities: [Report] }),
 * })
 */
export function typeOrmOptionsFromSecret(
  secrets: SecretsService,
  secret: SecretDefinition<unknown> | string,
  overrides?: TypeOrmSecretOverrides,
  options?: TypeOrmRotationOptions,
): Promise<RotatingTypeOrmOptions>;
export function typeOrmOptionsFromSecret(secret: SecretInput, overrides?: TypeOrmSecretOverrides, options?: TypeOrmRotationOptions): Promise<RotatingTypeOrmOptions>;
export async function typeOrmOptionsFromSecret(...args: unknown[]): Promise<RotatingTypeOrmOptions> {
  let secret: SecretInput;
  let overrides: TypeOrmSecretOverrides;
  let options: TypeOrmRotationOptions;
  let service: SecretsService | undefined;
  if (args[0] instanceof SecretsService) {
    service = args[0];
    const secrets = service;
    overrides = (args[2] as TypeOrmSecretOverrides | undefined) ?? {};
    options = (args[3] as TypeOrmRotationOptions | undefined) ?? {};
    secret = await resolveConnectionSecret(args[1] as SecretDefinition<unknown> | string, () => secrets, 'typeOrmOptionsFromSecret');
  } else {
    secret = await resolveConnectionSecret(args[0] as SecretInput, noSecretsService, 'typeOrmOptionsFromSecret');
    overrides = (args[1] as TypeOrmSecretOverrides | undefined) ?? {};
    options = (args[2] as TypeOrmRotationOptions | undefined) ?? {};
  }
  const driver = await createRotatingPgDriver(secret, { ...options, logger: connectionLogger(options.logger, service) });
  const initial = driver.credentials();
  return {
    type: 'postgres',
    host: initial.host,
    port: initial.port,
    database: initial.database,
    ...(initial.ssl === undefined ? {} : { ssl: initial.ssl }),
    ...overrides,
    // Informational for TypeORM; the driver sets user and password per connection.
    username: initial.username,
    password: () => driver.credentials().password,
    driver,
  } as RotatingTypeOrmOptions;
}

function noSecretsService(): never {
  throw new Error('call typeOrmOptionsFromSecret(secrets, definitionOrId, ...) with the injected SecretsService');
}
