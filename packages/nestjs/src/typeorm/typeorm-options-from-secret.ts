import { Logger } from '@nestjs/common';
import { toCredentialsSource, type SecretInput } from '../rebuild/credentials-adapters.js';
import { RotatingCredentials } from '../rebuild/rotating-credentials.js';
import { parsePostgresSecret, type PostgresCredentials } from './postgres-secret.js';
import { createRotatingPgDriver, type PgModule } from './rotating-pg-driver.js';
import {
  TYPEORM_ROTATION_DEFAULTS,
  type RotatingTypeOrmOptions,
  type TypeOrmRotationOptions,
  type TypeOrmSecretOverrides,
} from './typeorm-secret.options.js';

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
  options: TypeOrmRotationOptions = {},
): Promise<RotatingTypeOrmOptions> {
  const credentials = new RotatingCredentials<PostgresCredentials>(toCredentialsSource(secret), {
    parse: parsePostgresSecret,
    describeUser: (c) => c.username,
    service: 'PostgreSQL',
    retry: options.retry,
    logger: options.logger === false ? undefined : (options.logger ?? new Logger('Keyturn')),
  });
  const initial = credentials.select().credentials;
  const pg = options.pg ?? (await loadPg());
  const driver = createRotatingPgDriver(pg, credentials, {
    retireOnRotation: options.retireConnectionsOnRotation ?? TYPEORM_ROTATION_DEFAULTS.retireConnectionsOnRotation,
  });
  return {
    type: 'postgres',
    host: initial.host,
    port: initial.port,
    database: initial.database,
    ...(initial.ssl === undefined ? {} : { ssl: initial.ssl }),
    ...overrides,
    // Informational for TypeORM; the driver sets user and password per connection.
    username: initial.username,
    password: () => credentials.select().credentials.password,
    driver,
  } as RotatingTypeOrmOptions;
}

async function loadPg(): Promise<PgModule> {
  const mod = (await import('pg')) as unknown as PgModule & { default?: PgModule };
  return mod.default && typeof mod.default.Pool === 'function' ? mod.default : mod;
}
