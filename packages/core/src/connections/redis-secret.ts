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

/**
 * Reads `{ host?, port?, username?, password, tls? | ssl? }`. ElastiCache user secrets
 * (`{ user_arn, username, password }`) carry no host: give it in the client options.
 * A plain string secret is taken as the password.
 */
export function parseRedisSecret(value: unknown, secretId: string): RedisCredentials {
  if (typeof value === 'string' && !value.trimStart().startsWith('{')) return hidePassword({ password: value });
  const obj = secretObject(value, secretId, SERVICE);
  const password = typeof obj['password'] === 'string' ? obj['password'] : undefined;
  if (password === undefined) throw new InvalidConnectionSecretError(secretId, SERVICE, 'missing key password', ['password']);
  const port = optionalPort(obj, 'port');
  if (port === null) throw new InvalidConnectionSecretError(secretId, SERVICE, 'key port is not a TCP port number', ['port']);
  return hidePassword({
    host: optionalString(obj, 'host'),
    port,
    username: optionalString(obj, 'username') ?? optionalString(obj, 'user'),
    password,
    tls: optionalBoolean(obj, 'tls') ?? optionalBoolean(obj, 'ssl'),
  });
}
