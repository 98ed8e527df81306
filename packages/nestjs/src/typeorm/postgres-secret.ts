import { InvalidConnectionSecretError } from '../rebuild/errors/invalid-connection-secret.error.js';
import { hidePassword, optionalBoolean, optionalPort, optionalString, secretObject } from '../rebuild/secret-json.js';

/** PostgreSQL connection settings read from a secret. `password` is never logged. */
export interface PostgresCredentials {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /** RDS-style `ssl`: `true` → TLS required, `false` → plain; absent → not set (TypeORM's `ssl` option decides). */
  readonly ssl?: boolean;
}

const SERVICE = 'PostgreSQL';

/**
 * Reads the RDS secret shape: `{ engine?, host, port?, dbname? | database?, username, password, ssl? }`.
 * `engine`, `masterarn` and unknown keys are ignored; `port` defaults to 5432 and the database
 * to `postgres`, as in the RDS rotation functions.
 */
export function parsePostgresSecret(value: unknown, secretId: string): PostgresCredentials {
  const obj = secretObject(value, secretId, SERVICE);
  const host = optionalString(obj, 'host');
  const username = optionalString(obj, 'username') ?? optionalString(obj, 'user');
  const password = typeof obj['password'] === 'string' ? obj['password'] : undefined;
  const missing = [host === undefined && 'host', username === undefined && 'username', password === undefined && 'password'].filter(
    (k): k is string => typeof k === 'string',
  );
  if (missing.length > 0) throw new InvalidConnectionSecretError(secretId, SERVICE, `missing key(s) ${missing.join(', ')}`, missing);
  const port = optionalPort(obj, 'port');
  if (port === null) throw new InvalidConnectionSecretError(secretId, SERVICE, 'key port is not a TCP port number', ['port']);
  const credentials: PostgresCredentials = {
    host: host as string,
    port: port ?? 5432,
    database: optionalString(obj, 'dbname') ?? optionalString(obj, 'database') ?? 'postgres',
    username: username as string,
    password: password as string,
    ssl: optionalBoolean(obj, 'ssl'),
  };
  return hidePassword(credentials);
}
