import type { Client as PgClient, ClientConfig, Pool as PgPool, PoolClient, PoolConfig } from 'pg';
import type { AuthRetryOptions } from './auth-retry.options.js';
import type { SecretInput } from './credentials-adapters.js';
import type { ConnectionLogger } from './credentials-source.js';
import { loadPg, type PgModule } from './optional-drivers.js';
import { parsePostgresSecret, type PostgresCredentials } from './postgres-secret.js';
import { createRotatingCredentials, type RotatingCredentials, type SelectedCredentials } from './rotating-credentials.js';

/** How a PostgreSQL pool follows its secret and reacts to rejected credentials. */
export interface PgRotationOptions {
  /**
   * Retry policy for new connections the server rejects (SQLSTATE 28P01 / 28000).
   * @default { budgetMs: 30_000, initialBackoffMs: 100, maxBackoffMs: 2_000, tryPending: true }
   * @example { retry: { budgetMs: 60_000 } }
   */
  retry?: AuthRetryOptions;
  /**
   * After a rotation, close each pooled connection opened with the previous version when it is
   * next released, so the pool drains to the new credentials (in-flight queries finish first).
   * With `false`, old connections stay until `idleTimeoutMillis` closes them.
   * @default true
   * @example { retireConnectionsOnRotation: false }
   */
  retireConnectionsOnRotation?: boolean;
  /**
   * The `pg` module to build on (for bundlers, or a patched build).
   * @default await import('pg')
   * @example { pg: require('pg') }
   */
  pg?: PgModule;
  /**
   * Receives rotation and authentication-retry messages (secret id, user and version ids only).
   * @default undefined (silent)
   * @example { logger: new Logger('Database') }
   */
  logger?: ConnectionLogger;
}

/** Defaults of {@link PgRotationOptions}. */
export const PG_ROTATION_DEFAULTS = { retireConnectionsOnRotation: true } as const satisfies Partial<PgRotationOptions>;

/**
 * A `pg`-compatible module (what TypeORM's `driver` option and `new Pool()` users take) whose
 * connections follow a secret, plus the secret's current connection settings.
 */
export interface RotatingPgDriver {
  Pool: new (config?: PoolConfig) => PgPool;
  Client: new (config?: string | ClientConfig) => PgClient;
  defaults: unknown;
  types: unknown;
  /** The secret followed. */
  readonly secretId: string;
  /** Connection settings new connections use now (the password is non-enumerable). */
  credentials(): PostgresCredentials;
}

/** PostgreSQL SQLSTATEs for rejected credentials: invalid_password, invalid_authorization_specification. */
const AUTH_SQLSTATES = new Set(['28P01', '28000']);

/** The SQLSTATE when `error` is PostgreSQL rejecting a login, else `undefined`. */
export function postgresAuthCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && AUTH_SQLSTATES.has(code) ? code : undefined;
}

interface ClientInternals {
  user: string;
  password: string | null;
  connectionParameters: { user: string; password: string | null };
}

type ConnectCallback = (err: Error | undefined, client?: PoolClient, release?: (release?: boolean | Error) => void) => void;

/**
 * Builds a `pg`-compatible driver from a database secret (RDS shape, see `parsePostgresSecret`),
 * given as a `SecretHandle` or any `CredentialsSource`. Every new physical connection
 * authenticates with the secret's current user name and password (read just before the startup
 * message, so user and password always come from one version), and `Pool#connect` retries
 * authentication failures: forced refresh, AWSPENDING while AWSCURRENT has not moved, capped
 * back-off within `retry.budgetMs`. Existing connections are left alone.
 *
 * @example
 * const { Pool } = await createRotatingPgDriver(await secrets.handle(MainDb));
 * const pool = new Pool({ host: 'db', database: 'app' });
 */
export async function createRotatingPgDriver(secret: SecretInput, options: PgRotationOptions = {}): Promise<RotatingPgDriver> {
  const credentials = createRotatingCredentials<PostgresCredentials>(secret, {
    parse: parsePostgresSecret,
    describeUser: (c) => c.username,
    service: 'PostgreSQL',
    retry: options.retry,
    logger: options.logger,
  });
  // Parse before loading pg: a malformed secret fails with its own error, whatever is installed.
  credentials.select();
  const pg = options.pg ?? (await loadPg());
  return {
    ...buildDriver(pg, credentials, options.retireConnectionsOnRotation ?? PG_ROTATION_DEFAULTS.retireConnectionsOnRotation),
    secretId: credentials.secretId,
    credentials: () => credentials.select().credentials,
  };
}

function buildDriver(
  pg: PgModule,
  credentials: RotatingCredentials<PostgresCredentials>,
  retireOnRotation: boolean,
): Pick<RotatingPgDriver, 'Pool' | 'Client' | 'defaults' | 'types'> {
  const versions = new WeakMap<object, string>();
  const BaseClient = pg.Client as unknown as new (config?: string | ClientConfig) => PgClient;
  const BasePool = pg.Pool;

  class RotatingPgClient extends BaseClient {
    override connect(): Promise<PgClient>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<PgClient> | void {
      const selected = credentials.select();
      applyCredentials(this as unknown as ClientInternals, selected);
      versions.set(this, selected.versionId);
      const connected = super.connect().catch((error: unknown) => {
        if (postgresAuthCode(error) !== undefined) credentials.noteFailure(error, selected);
        throw error;
      });
      if (!callback) return connected;
      connected.then(
        () => callback(undefined as unknown as Error),
        (error: Error) => callback(error),
      );
    }
  }

  class RotatingPgPool extends BasePool {
    constructor(config: PoolConfig = {}) {
      super({ ...config, Client: RotatingPgClient } as PoolConfig);
    }

    override connect(): Promise<PoolClient>;
    override connect(callback: ConnectCallback): void;
    override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
      const checkedOut = credentials.withRetry(() => super.connect(), postgresAuthCode).then((client) => {
        if (retireOnRotation) retireStaleOnRelease(client);
        return client;
      });
      if (!callback) return checkedOut;
      checkedOut.then(
        (client) => callback(undefined, client, client.release),
        (error: Error) => callback(error, undefined, () => undefined),
      );
    }
  }

  /** A connection opened with an older version is closed when released instead of returning to the pool. */
  function retireStaleOnRelease(client: PoolClient): void {
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      const stale = versions.get(client) !== credentials.versionId();
      return release(err ?? (stale ? true : undefined));
    };
  }

  return { Pool: RotatingPgPool, Client: RotatingPgClient, defaults: pg.defaults, types: pg.types };
}

/** Sets the user and password pg sends in the startup message and the SASL exchange. */
function applyCredentials(client: ClientInternals, selected: SelectedCredentials<PostgresCredentials>): void {
  const { username, password } = selected.credentials;
  client.user = username;
  client.connectionParameters.user = username;
  // Both properties are non-enumerable in pg (kept out of logs); assignment keeps that.
  client.password = password;
  client.connectionParameters.password = password;
}
