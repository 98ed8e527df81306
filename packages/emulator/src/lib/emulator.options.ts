import type { SeedDocument } from './seed/seed.js';
import type { EmulatorCredentials } from './http/sigv4-verifier.js';
import type { RotationRetryOptions } from './rotation/rotation-retry.options.js';
import type { RotationHandler } from './rotation/rotation.types.js';
import type { QuotaOptions } from './quotas/quota-limiter.js';

/** Where the emulator writes its request log. */
export interface EmulatorLogger {
  log(msg: string): void;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /**
   * Address to bind.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
  /**
   * Directory for the crash-safe store (journal + snapshot). Without it, state is kept in memory.
   * @example './.keyturn/emulator'
   */
  dataDir?: string;
  /**
   * Secrets to create when missing: a JSON or YAML file path, or a document.
   * @example { secrets: [{ name: 'app/db', json: { username: 'app', password: 'pw' } }] }
   */
  seed?: string | SeedDocument;
  /**
   * Default region: the region of requests that name none in their SigV4 scope, and of seeded
   * secrets.
   * @default 'us-east-1'
   */
  region?: string;
  /**
   * Regions served, besides `region`. Each has its own secrets; a request's region is the one of
   * its SigV4 credential scope, and a region not listed is refused. Replication copies secrets
   * between them. Without it, `region` alone answers requests naming any region (and with
   * `credentials`, a signature scoped to another region is refused).
   * @default undefined (single region)
   * @example ['us-east-1', 'eu-west-1']
   */
  regions?: string[];
  /**
   * Account id in ARNs.
   * @default '123456789012'
   */
  accountId?: string;
  /**
   * Access keys whose SigV4 signatures are accepted. Without any, signatures are not checked.
   * @example [{ accessKeyId: 'local', secretAccessKey: 'local-secret' }]
   */
  credentials?: EmulatorCredentials[];
  /**
   * Rotation functions by RotationLambdaARN: a function, or a module path (`./rotate.js#handler`;
   * the export defaults to `handler`).
   */
  rotationHandlers?: Record<string, RotationHandler | string>;
  /**
   * Speed-up of the scheduled-rotation clock; scheduled rotation runs only when this is set.
   * 86400 makes a day last a second.
   * @default undefined (no scheduled rotation)
   */
  rotationTimeScale?: number;
  /**
   * Retries of a failed rotation: like Secrets Manager, the emulator runs the whole rotation
   * again with the same ClientRequestToken, keeping the AWSPENDING version, up to `maxAttempts`
   * times with exponential back-off (`initialBackoffMs`, doubling, at most `maxBackoffMs`).
   * @default { maxAttempts: 8, initialBackoffMs: 1000, maxBackoffMs: 30000 }
   * @example { maxAttempts: 50, initialBackoffMs: 20, maxBackoffMs: 200 } // fast tests
   */
  rotationRetry?: RotationRetryOptions;
  /**
   * Request log (one line per request: operation, secret id, status, latency; never values).
   * @default false
   */
  logger?: EmulatorLogger | false;
  /**
   * Largest request body, in bytes.
   * @default 1048576
   */
  maxBodyBytes?: number;
  /**
   * Host header names accepted besides `localhost`, `127.0.0.1` and `[::1]`. The Host check
   * guards against DNS rebinding (a web page whose name resolves to 127.0.0.1).
   * @example ['emulator.internal']
   */
  allowedHosts?: string[];
  /**
   * Check the Host header. On by default when bound to a loopback address; off by default for
   * other binds (containers are reached under their service names).
   * @default true for a loopback `host`, false otherwise
   */
  hostCheck?: boolean;
  /**
   * Serve the admin route (`/_keyturn/faults`) to clients on other machines too.
   * @default false (loopback clients only)
   */
  adminFromAnyAddress?: boolean;
  /**
   * Longest outage the admin route may set; an outage set there without `durationMs` lasts this long.
   * @default 60000
   */
  maxOutageMs?: number;
  /**
   * Time allowed to receive a whole request, in milliseconds (HTTP 408 after it).
   * @default 30000
   */
  requestTimeoutMs?: number;
  /**
   * Time allowed to receive a request's headers, in milliseconds.
   * @default 10000
   */
  headersTimeoutMs?: number;
  /**
   * Open connections accepted at once; more are closed as they arrive.
   * @default 512
   */
  maxConnections?: number;
  /**
   * AWS quotas mode: per-operation request-rate buckets with AWS's published rates (per
   * account and region), answering ThrottlingException when exhausted. `true` uses AWS's rates.
   * @default false
   * @example { scale: 0.01 } // GetSecretValue 100/s, writes 0.5/s
   */
  quotas?: boolean | QuotaOptions;
  /**
   * Where notices about the store go (a torn journal line dropped at start). Printed even when
   * the request log is off.
   * @default a line on standard error
   */
  notice?: (msg: string) => void;
  /**
   * Journal entries after which the journal is folded into a snapshot.
   * @default 1000
   */
  compactEvery?: number;
}

export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  region: 'us-east-1',
  accountId: '123456789012',
  maxBodyBytes: 1024 * 1024,
  compactEvery: 1000,
} as const satisfies Partial<EmulatorOptions>;

/** Port the `keyturn-emulator` command listens on by default (beside LocalStack's 4566). */
export const DEFAULT_CLI_PORT = 4583;
