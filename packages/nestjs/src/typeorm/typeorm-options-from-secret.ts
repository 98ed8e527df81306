import { createRotatingPgDriver, type PgRotationOptions, type SecretInput } from '@keyturn/core/connections';
import type { RotatingTypeOrmOptions, TypeOrmSecretOverrides } from './typeorm-secret.options.js';

/**
 * Builds PostgreSQL options for `TypeOrmModule.forRootAsync` (or `new DataSource()`) from a
 * database secret (RDS shape: host, port, dbname, username, password, ssl), given as a
 * `SecretHandle` (value: the secret's JSON) or any `CredentialsSource`.
 *
 * Every new physical connection authenticates with the secret's current username and password
 * (so single-user and alternating-users rotation both work); existing connections are kept. When
 * PostgreSQL rejects a login (28P01 / 28000), the pool forces a refresh of the secret, tries
 * AWSPENDING if AWSCURRENT has not moved, and retries with capped back-off within
 * `retry.budgetMs`, so queries issued during a rotation wait instead of failing.
 *
 * @example
 * TypeOrmModule.forRootAsync({
 *   name: 'reporting',
 *   inject: [SecretsService],
 *   useFactory: async (secrets: SecretsService) =>
 *     typeOrmOptionsFromSecret(await secrets.handle(ReportingDb), { entities: [Report] }),
 * })
 */
export async function typeOrmOptionsFromSecret(
  secret: SecretInput,
  overrides: TypeOrmSecretOverrides = {},
  options: PgRotationOptions = {},
): Promise<RotatingTypeOrmOptions> {
  const driver = await createRotatingPgDriver(secret, options);
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
