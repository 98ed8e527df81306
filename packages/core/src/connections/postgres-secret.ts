import { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';
import { hidePassword, optionalBoolean, optionalPort, optionalString, secretObject } from './secret-json.js';

/** PostgreSQL connection settings read from a secret. `password` is never logged. */
export interface PostgresCredentials {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  /**
   * RDS-style `ssl`: `true` / `"true"` → TLS required, `false` / `"false"` → plain; absent (or
   * anything else) → `undefined`, not stated: the consumer applies its own policy (the TypeORM
   * options leave TypeORM's `ssl` option in charge; the rotation functions try verified TLS, then plain).
   */
  readonly ssl?: boolean;
  /** RDS `engine` when present: `postgres`, `postgresql` or `aurora-postgresql`. */
  readonly engine?: string;
}

/** `engine` values of a PostgreSQL secret (RDS, Aurora). */
const POSTGRES_ENGINES: readonly string[] = ['postgres', 'postgresql', 'aurora-postgresql'];

const SERVICE = 'PostgreSQL';

/**
 * Reads the RDS secret shape: `{ engine?, host, port?, dbname? | database?, username, password, ssl? }`,
 * the one parser of PostgreSQL secrets (connections and rotation functions alike).
 * `host`, `username` (or `user`) and a non-empty `password` are required; `port` defaults to 5432
 * and the database to `postgres`, as in the RDS rotation functions; `engine`, when present, must be
 * a PostgreSQL engine; `masterarn` and unknown keys are ignored. Errors name the secret and the
 * keys, never a value.
 */
export function parsePostgresSecret(value: unknown, secretId: string): PostgresCredentials {
  const obj = secretObject(value, secretId, SERVICE);
  const host = optionalString(obj, 'host');
  const username = optionalString(obj, 'username') ?? optionalString(obj, 'user');
  const password = typeof obj['password'] === 'string' && obj['password'] !== '' ? obj['password'] : undefined;
  const missing = [host === undefined && 'host', username === undefined && 'username', password === undefined && 'password'].filter(
    (k): k is string => typeof k === 'string',
  );
  if (missing.length > 0) throw new InvalidConnectionSecretError(secretId, SERVICE, `missing key(s) ${missing.join(', ')}`, missing);
  const port = optionalPort(obj, 'port');
  if (port === null) throw new InvalidConnectionSecretError(secretId, SERVICE, 'key port is not a TCP port number', ['port']);
  const engine = optionalString(obj, 'engine');
  if (engine !== undefined && !POSTGRES_ENGINES.includes(engine)) {
    throw new InvalidConnectionSecretError(secretId, SERVICE, `key engine must be one of ${POSTGRES_ENGINES.join(', ')}`, ['engine']);
  }
  const credentials: PostgresCredentials = {
    host: host as string,
    port: port ?? 5432,
    database: optionalString(obj, 'dbname') ?? optionalString(obj, 'database') ?? 'postgres',
    username: username as string,
    password: password as string,
    ssl: optionalBoolean(obj, 'ssl'),
    ...(engine === undefined ? {} : { engine }),
  };
  return hidePassword(credentials);
}
