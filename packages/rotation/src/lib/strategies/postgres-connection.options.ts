import type { ConnectionOptions } from 'node:tls';

/** Settings shared by the PostgreSQL strategies. */
export interface PostgresConnectionOptions {
  /**
   * Milliseconds to wait for a connection (and login) before counting the credentials as not working.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * TLS settings used whenever a connection tries TLS (e.g. `{ ca }` with the RDS CA bundle).
   * The secret's `ssl` member decides whether TLS is tried (see README).
   * @default {} (the Node.js trust store, hostname verified: verify-full)
   * @example { tls: { ca: readFileSync('/opt/rds-global-bundle.pem', 'utf8') } }
   */
  tls?: ConnectionOptions;
  /**
   * Statement run with the pending credentials in testSecret.
   * @default 'SELECT NOW()'
   */
  testQuery?: string;
}
