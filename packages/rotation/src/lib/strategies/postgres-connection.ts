import type { ConnectionOptions } from 'node:tls';
import type { Client } from 'pg';
import {
  InvalidConnectionSecretError,
  MissingDriverError,
  loadPg as loadPgDriver,
  parsePostgresSecret as parseConnectionSecret,
  type PgModule as CorePgModule,
  type PostgresCredentials,
} from '@keyturn/core/connections';
import { MissingPeerDependencyError } from '../errors/missing-peer-dependency-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import { optionalString } from '../secret-fields.js';
import type { PostgresConnectionOptions } from './postgres-connection.options.js';
import type { SecretVersion } from '../secret-version.js';

/** The parts of the `pg` module the PostgreSQL strategies use. */
export type PgModule = Pick<CorePgModule, 'Client' | 'escapeIdentifier' | 'escapeLiteral'>;

/**
 * Connection settings read from a PostgreSQL secret (AWS's RDS shape), with `ssl` as the login
 * policy: stated `true` → TLS only, `false` → plain only, not stated → TLS first, then plain.
 */
export interface PostgresSecret {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  ssl: 'try' | 'require' | 'disable';
  masterarn?: string;
}

/** Loads `pg` on first use (the one loader of @keyturn/core/connections) so the root entry point does not need it. */
export async function loadPg(strategy: string): Promise<PgModule> {
  try {
    return await loadPgDriver();
  } catch (e) {
    throw new MissingPeerDependencyError('pg', strategy, e instanceof MissingDriverError ? e.cause : e);
  }
}

/** Reads the RDS-style JSON with the shared parser of @keyturn/core/connections; a bad shape is a {@link SecretShapeError} naming the key. */
export function parsePostgresSecret(version: SecretVersion, step?: string): PostgresSecret {
  let parsed: PostgresCredentials;
  try {
    parsed = parseConnectionSecret(version.json(), version.secretId);
  } catch (e) {
    if (!(e instanceof InvalidConnectionSecretError)) throw e;
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): ${e.message}.`, { secretId: version.secretId, key: e.keys[0], step, cause: e });
  }
  return {
    host: parsed.host,
    port: parsed.port,
    username: parsed.username,
    password: parsed.password,
    dbname: parsed.database,
    ssl: parsed.ssl === true ? 'require' : parsed.ssl === false ? 'disable' : 'try',
    masterarn: optionalString(version.json(), 'masterarn', version, step),
  };
}

/** The outcome of a login attempt: a connected client, or the reason (never holding a password). */
export type LoginResult = { ok: true; client: Client } | { ok: false; error: unknown };

/**
 * Logs in as AWS's `get_connection` does: with `ssl` absent TLS (verified) first, then plain;
 * `ssl: true` TLS only; `ssl: false` plain only. Never throws for a refused login.
 */
export async function login(pg: PgModule, secret: PostgresSecret, options: PostgresConnectionOptions): Promise<LoginResult> {
  const attempts: (ConnectionOptions | false)[] =
    secret.ssl === 'require' ? [{ ...options.tls }] : secret.ssl === 'disable' ? [false] : [{ ...options.tls }, false];
  let lastError: unknown;
  for (const ssl of attempts) {
    const client = new pg.Client({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname,
      ssl,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      application_name: 'keyturn-rotation',
    });
    // A server that drops the connection later must not crash the process with an unhandled 'error'.
    client.on('error', () => undefined);
    try {
      await client.connect();
      return { ok: true, client };
    } catch (e) {
      lastError = UpstreamError.from(e, [secret.password]);
      await client.end().catch(() => undefined);
    }
  }
  return { ok: false, error: lastError };
}

/** Closes a client, ignoring errors. */
export async function close(client: Client): Promise<void> {
  await client.end().catch(() => undefined);
}

/** A short description of a failed login for error messages (SQLSTATE and message; pg never puts a password in them). */
export function describeLoginError(error: unknown): string {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return 'unknown error';
  return e.code ? `${e.code}: ${e.message ?? ''}`.trim() : (e.message ?? String(e));
}
