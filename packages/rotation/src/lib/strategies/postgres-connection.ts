import type { ConnectionOptions } from 'node:tls';
import type { Client, ClientConfig } from 'pg';
import { MissingPeerDependencyError } from '../errors/missing-peer-dependency-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import { optionalString, portOf, requireString } from '../secret-fields.js';
import type { PostgresConnectionOptions } from './postgres-connection.options.js';
import type { SecretVersion } from '../secret-version.js';

/** The parts of the `pg` module the PostgreSQL strategies use. */
export interface PgModule {
  Client: new (config: ClientConfig) => Client;
  escapeIdentifier(value: string): string;
  escapeLiteral(value: string): string;
}

/** Connection settings read from a PostgreSQL secret (AWS's RDS shape). */
export interface PostgresSecret {
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  ssl: 'try' | 'require' | 'disable';
  masterarn?: string;
}

/** Loads `pg` lazily so the root entry point does not need it. */
export async function loadPg(strategy: string): Promise<PgModule> {
  try {
    const mod = (await import('pg')) as unknown as PgModule & { default?: PgModule };
    return typeof mod.escapeIdentifier === 'function' ? mod : (mod.default as PgModule);
  } catch (e) {
    throw new MissingPeerDependencyError('pg', strategy, e);
  }
}

/** Reads the RDS-style JSON (`host`, `username`, `password`, `dbname`?, `port`?, `ssl`?, `masterarn`?). */
export function parsePostgresSecret(version: SecretVersion, step?: string): PostgresSecret {
  const json = version.json();
  const rawSsl = json.ssl;
  let ssl: PostgresSecret['ssl'] = 'try';
  if (rawSsl === true || rawSsl === 'true') ssl = 'require';
  else if (rawSsl === false || rawSsl === 'false') ssl = 'disable';
  const engine = optionalString(json, 'engine', version, step);
  if (engine !== undefined && !['postgres', 'aurora-postgresql', 'postgresql'].includes(engine)) {
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): "engine" must be "postgres" or "aurora-postgresql" for a PostgreSQL rotation.`, {
      secretId: version.secretId,
      key: 'engine',
      step,
    });
  }
  return {
    host: requireString(json, 'host', version, step),
    port: portOf(json, version, 5432, step),
    username: requireString(json, 'username', version, step),
    password: requireString(json, 'password', version, step),
    dbname: optionalString(json, 'dbname', version, step) ?? 'postgres',
    ssl,
    masterarn: optionalString(json, 'masterarn', version, step),
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
