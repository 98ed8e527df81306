import { createRotatingPgDriver, type SecretInput } from '@keyturn/core/connections';
import { connectionLogger } from '../lib/connection-logger.js';
import { resolveConnectionSecret, type ConnectionSecret } from '../lib/connection-secret.js';
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
  // With a SecretsService first, the secret and the rest follow it.
  const service = args[0] instanceof SecretsService ? args[0] : undefined;
  const [given, overrides = {}, options = {}] = (service ? args.slice(1) : args) as [ConnectionSecret, TypeOrmSecretOverrides?, TypeOrmRotationOptions?];
  const secret = await resolveConnectionSecret(given, () => service ?? noSecretsService(), 'typeOrmOptionsFromSecret');
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
