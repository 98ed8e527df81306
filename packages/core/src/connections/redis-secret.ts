import { InvalidConnectionSecretError } from './errors/invalid-connection-secret.error.js';
import { hidePassword, optionalBoolean, optionalPort, optionalString, secretObject } from './secret-json.js';

/** Redis connection settings read from a secret. `password` is never logged. */
export interface RedisCredentials {
  /** From the secret when present, else the client options' host. */
  readonly host?: string;
  readonly port?: number;
  /** ACL user; absent means the `default` user (AUTH with the password only). */
  readonly username?: string;
  readonly password?: string;
  /** `tls`/`ssl` true → TLS; absent → as the client options say. */
  readonly tls?: boolean;
}

const SERVICE = 'Redis';

/** Keys {@link parseRedisSecret} may be told to require. */
export type RedisSecretKey = 'host' | 'username' | 'password';

/**
 * Reads `{ host?, port?, username? | user?, password, tls? | ssl? }`, the one parser of Redis
 * secrets (client connections and the ACL-user rotation function alike). ElastiCache user secrets
 * (`{ user_arn, username, password }`) carry no host: give it in the client options. A plain
 * string secret is taken as the password. `tls` (or `ssl`) reads like PostgreSQL's `ssl`:
 * `true` / `"true"`, `false` / `"false"`, otherwise not stated. Empty strings count as absent.
 * @param require the keys that must be present (default: `password`); errors name them, never a value.
 */
export function parseRedisSecret(value: unknown, secretId: string, require: readonly RedisSecretKey[] = ['password']): RedisCredentials {
  if (typeof value === 'string' && !value.trimStart().startsWith('{')) {
    const missing = require.filter((k) => k !== 'password' || value === '');
    if (missing.length > 0) throw new InvalidConnectionSecretError(secretId, SERVICE, `missing key(s) ${missing.join(', ')}`, missing);
    return hidePassword({ password: value });
  }
  const obj = secretObject(value, secretId, SERVICE);
  const password = typeof obj['password'] === 'string' && obj['password'] !== '' ? obj['password'] : undefined;
  const credentials: RedisCredentials = {
    host: optionalString(obj, 'host'),
    port: undefined,
    username: optionalString(obj, 'username') ?? optionalString(obj, 'user'),
    password,
    tls: optionalBoolean(obj, 'tls') ?? optionalBoolean(obj, 'ssl'),
  };
  const missing = require.filter((k) => credentials[k] === undefined);
  if (missing.length > 0) throw new InvalidConnectionSecretError(secretId, SERVICE, `missing key(s) ${missing.join(', ')}`, missing);
  const port = optionalPort(obj, 'port');
  if (port === null) throw new InvalidConnectionSecretError(secretId, SERVICE, 'key port is not a TCP port number', ['port']);
  return hidePassword({ ...credentials, port });
}
