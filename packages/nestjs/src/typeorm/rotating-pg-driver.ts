import type { Client as PgClient, ClientConfig, Pool as PgPool, PoolClient, PoolConfig } from 'pg';
import type { RotatingCredentials, SelectedCredentials } from '../rebuild/rotating-credentials.js';
import type { PostgresCredentials } from './postgres-secret.js';

/** The parts of the `pg` module the rotating driver builds on. */
export interface PgModule {
  Pool: new (config?: PoolConfig) => PgPool;
  Client: new (config?: string | ClientConfig) => PgClient;
  defaults: unknown;
  types: unknown;
}

/** What TypeORM's `driver` option receives: `pg` with a pool whose connections follow the secret. */
export type RotatingPgDriver = PgModule;

/** Settings of {@link createRotatingPgDriver}. */
export interface RotatingPgDriverOptions {
  /** Close a pooled connection on release when it authenticated with a version that is no longer in use. */
  retireOnRotation: boolean;
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
 * Builds a `pg`-compatible driver whose every new physical connection authenticates with the
 * secret's current user name and password (read just before the startup message, so user and
 * password always come from one version), and whose `Pool#connect` retries authentication
 * failures through {@link RotatingCredentials}. Existing connections are left alone.
 */
export function createRotatingPgDriver(pg: PgModule, credentials: RotatingCredentials<PostgresCredentials>, options: RotatingPgDriverOptions): RotatingPgDriver {
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
        if (options.retireOnRotation) retireStaleOnRelease(client);
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
