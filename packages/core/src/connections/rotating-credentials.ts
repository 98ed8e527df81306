import { AUTH_RETRY_DEFAULTS, type AuthRetryOptions } from './auth-retry.options.js';
import { toCredentialsSource, type SecretInput } from './credentials-adapters.js';
import type { ConnectionEvent, ConnectionLogger, CredentialsSource, CredentialsVersion } from './credentials-source.js';
import { CredentialsRejectedError } from './errors/credentials-rejected.error.js';

/** Credentials chosen for one new connection, with the version they came from. */
export interface SelectedCredentials<C> {
  readonly versionId: string;
  readonly stage: string;
  readonly credentials: C;
}

/** Settings of {@link createRotatingCredentials}. */
export interface RotatingCredentialsOptions<C> {
  /** Turns a secret value into connection credentials; throws (naming the secret, never the value) when it cannot. */
  parse: (value: unknown, secretId: string) => C;
  /** The user name in `credentials`, for messages. */
  describeUser: (credentials: C) => string | undefined;
  /** Server kind named in errors, e.g. `PostgreSQL`. */
  service: string;
  /**
   * `db.system.name` reported with connection metrics.
   * @default `service` in lower case
   */
  system?: string;
  retry?: AuthRetryOptions;
  logger?: ConnectionLogger;
}

const PARSED_CACHE_SIZE = 4;

/**
 * Chooses the credentials each new connection authenticates with, and recovers when the
 * server rejects them: forced refresh of AWSCURRENT; if AWSCURRENT has not moved, AWSPENDING
 * (single-user rotation window); otherwise capped back-off until the budget is spent.
 *
 * One instance per connection pool or client; it holds no timers and subscribes to nothing.
 * Built by {@link createRotatingCredentials}; the building block of the pg and ioredis helpers,
 * for drivers of other servers.
 */
export class RotatingCredentials<C> {
  private readonly retry: Required<AuthRetryOptions>;
  private readonly parsed = new Map<string, C>();
  private readonly failedWith = new WeakMap<object, SelectedCredentials<C>>();
  /** AWSPENDING in use because it authenticated while AWSCURRENT (`whileCurrent`) was rejected. */
  private pin?: { selected: SelectedCredentials<C>; whileCurrent: string; reported?: boolean };
  private recovering?: Promise<void>;

  constructor(
    readonly source: CredentialsSource,
    private readonly options: RotatingCredentialsOptions<C>,
  ) {
    this.retry = { ...AUTH_RETRY_DEFAULTS, ...stripUndefined(options.retry ?? {}) };
  }

  get secretId(): string {
    return this.source.secretId;
  }

  /** `db.system.name` of the server (`postgresql`, `redis`). */
  get system(): string {
    return this.options.system ?? this.options.service.toLowerCase();
  }

  /** Hands a connection event to the source (metrics); a throwing sink never breaks a connection. */
  report(event: ConnectionEvent): void {
    try {
      this.source.connectionEvent?.(event);
    } catch {
      // Metrics are best effort.
    }
  }

  /** The credentials for the next new connection. */
  select(): SelectedCredentials<C> {
    const current = this.source.current();
    if (this.pin && this.pin.whileCurrent === current.versionId) return this.pin.selected;
    this.pin = undefined;
    return this.toSelected(current);
  }

  /** The VersionId new connections use now. */
  versionId(): string {
    return this.select().versionId;
  }

  /** Records which credentials an authentication error was caused by. */
  noteFailure(error: unknown, selected: SelectedCredentials<C>): void {
    if (typeof error === 'object' && error !== null) this.failedWith.set(error, selected);
  }

  /**
   * Runs `attempt` until it succeeds, fails with an error `authCode` does not classify as an
   * authentication failure, or the budget is spent (then {@link CredentialsRejectedError}).
   * @param authCode returns the server's code (`28P01`, `WRONGPASS`) for authentication failures, else `undefined`.
   */
  async withRetry<R>(attempt: (selected: SelectedCredentials<C>) => Promise<R>, authCode: (error: unknown) => string | undefined): Promise<R> {
    const started = Date.now();
    const tried = new Set<string>();
    let backoff = this.retry.initialBackoffMs;
    let failures = 0;
    for (;;) {
      const selected = this.select();
      try {
        const result = await attempt(selected);
        if (this.pin && this.pin.selected === selected && !this.pin.reported) {
          // AWSPENDING works where AWSCURRENT is rejected: the rotation is unfinished.
          this.pin.reported = true;
          this.source.pendingInUse?.({ versionId: selected.versionId, stage: selected.stage });
        }
        if (failures > 0) {
          this.options.logger?.log(
            `${this.options.service} accepted credentials from secret "${this.secretId}" version ${selected.versionId} (${selected.stage}) after ${failures} rejected attempt(s) in ${Date.now() - started} ms`,
          );
        }
        return result;
      } catch (error) {
        const code = authCode(error);
        if (code === undefined) throw error;
        failures += 1;
        this.report({ type: 'retry', system: this.system, code });
        const used = (typeof error === 'object' && error !== null && this.failedWith.get(error)) || selected;
        tried.add(used.versionId);
        const elapsedMs = Date.now() - started;
        if (elapsedMs >= this.retry.budgetMs) {
          throw new CredentialsRejectedError({
            secretId: this.secretId,
            username: this.options.describeUser(used.credentials),
            service: this.options.service,
            elapsedMs,
            code,
            cause: error,
          });
        }
        if (failures === 1) {
          this.options.logger?.warn(
            `${this.options.service} rejected credentials from secret "${this.secretId}" version ${used.versionId} (${used.stage}, user "${this.options.describeUser(used.credentials) ?? '-'}", ${code}); refreshing`,
          );
        }
        await this.recover(used);
        if (tried.has(this.select().versionId)) {
          const remaining = this.retry.budgetMs - (Date.now() - started);
          await sleep(Math.max(0, Math.min(backoff, remaining)));
          backoff = Math.min(backoff * 2, this.retry.maxBackoffMs);
          tried.clear();
        }
      }
    }
  }

  /**
   * After `failed` was rejected: force a refresh; if AWSCURRENT did not move, try AWSPENDING.
   * Concurrent callers share one recovery. Never rejects: an unreachable Secrets Manager
   * leaves the credentials as they are.
   */
  async recover(failed: SelectedCredentials<C>): Promise<void> {
    if (this.select().versionId !== failed.versionId) return;
    this.recovering ??= this.doRecover(failed).finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private async doRecover(failed: SelectedCredentials<C>): Promise<void> {
    const { logger, service } = this.options;
    let changed = false;
    try {
      changed = await this.source.refresh();
    } catch (error) {
      logger?.warn(`could not refresh secret "${this.secretId}" after ${service} rejected its credentials (${errorName(error)}); keeping the current version`);
    }
    const current = this.source.current();
    if (changed || current.versionId !== this.pin?.whileCurrent) this.pin = undefined;
    if (changed) {
      logger?.log(`secret "${this.secretId}" moved to version ${current.versionId}; new ${service} connections use it`);
      return;
    }
    if (this.pin && this.pin.selected.versionId === failed.versionId) {
      // AWSPENDING was rejected too: go back to AWSCURRENT (after back-off).
      this.pin = undefined;
      return;
    }
    if (current.versionId !== failed.versionId) return;
    if (!this.retry.tryPending) return;
    let pending: CredentialsVersion | undefined;
    try {
      pending = await this.source.pending();
    } catch (error) {
      logger?.warn(`could not read AWSPENDING of secret "${this.secretId}" (${errorName(error)})`);
      return;
    }
    if (pending && pending.versionId !== failed.versionId && pending.versionId !== current.versionId) {
      let selected: SelectedCredentials<C>;
      try {
        selected = this.toSelected(pending);
      } catch (error) {
        // An AWSPENDING that is still being written (or is malformed) is no candidate.
        logger?.warn(`AWSPENDING version ${pending.versionId} of secret "${this.secretId}" is not usable (${errorName(error)})`);
        return;
      }
      this.pin = { selected, whileCurrent: current.versionId };
      logger?.log(`AWSCURRENT of secret "${this.secretId}" is rejected and unchanged; trying AWSPENDING version ${pending.versionId} for new ${service} connections`);
    }
  }

  private toSelected(version: CredentialsVersion): SelectedCredentials<C> {
    let credentials = this.parsed.get(version.versionId);
    if (credentials === undefined) {
      credentials = this.options.parse(version.value, this.secretId);
      this.parsed.set(version.versionId, credentials);
      if (this.parsed.size > PARSED_CACHE_SIZE) this.parsed.delete(this.parsed.keys().next().value as string);
    }
    return { versionId: version.versionId, stage: version.stage, credentials };
  }
}

/**
 * Credentials for new connections of one pool or client, following `secret` and recovering from
 * rejected logins: see {@link RotatingCredentials}.
 *
 * @example
 * const credentials = createRotatingCredentials(await secrets.handle(LdapSecret), {
 *   parse: (value, secretId) => parseLdapSecret(value, secretId),
 *   describeUser: (c) => c.bindDn,
 *   service: 'LDAP',
 * });
 * const client = await credentials.withRetry(({ credentials: c }) => ldap.bind(c.bindDn, c.password), ldapAuthCode);
 */
export function createRotatingCredentials<C>(secret: SecretInput, options: RotatingCredentialsOptions<C>): RotatingCredentials<C> {
  return new RotatingCredentials<C>(toCredentialsSource(secret), options);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function errorName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const e = error as { name?: unknown; code?: unknown };
    if (typeof e.code === 'string') return `${String(e.name ?? 'Error')} ${e.code}`;
    if (typeof e.name === 'string') return e.name;
  }
  return 'unknown error';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
