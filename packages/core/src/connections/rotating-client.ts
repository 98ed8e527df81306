import { KeyturnError } from '../errors/keyturn.error.js';
import { credentialsFromSecretHandle, type SecretHandleLike } from './credentials-adapters.js';
import type { ConnectionLogger, CredentialsSource, CredentialsVersion } from './credentials-source.js';

/**
 * The secret a {@link RotatingClient} is built from: a `SecretHandle` or a `CredentialsSource`
 * (only `secretId`, `current()` and `onChange()` are used).
 */
export type RotatingClientSecret<T> = SecretHandleLike<T> | Pick<CredentialsSource<T>, 'secretId' | 'current' | 'onChange'>;

/** Settings of {@link createRotatingClient}. */
export interface RotatingClientOptions<C, T = unknown> {
  /**
   * Builds a client from a secret value. Called once at start and again after each rotation;
   * if it throws, the previous client stays in service and the failure is logged.
   * @example (value) => new Stripe(value.apiKey)
   */
  create: (value: T, version: CredentialsVersion<T>) => C | Promise<C>;
  /**
   * Releases a retired client once its in-flight work finished (or `drainTimeoutMs` passed).
   * @default nothing is called
   * @example (transport) => transport.close()
   */
  dispose?: (client: C) => void | Promise<void>;
  /**
   * Reconfigures the live client in place instead of building a new one. Return `true` when
   * the client now uses `value`; `false` (or a throw) falls back to `create`.
   * @default undefined (always rebuild)
   * @example (client, value) => { client.setApiKey(value.apiKey); return true; }
   */
  reconfigure?: (client: C, value: T) => boolean | Promise<boolean>;
  /**
   * Longest time a retired client waits for its leases to be released before it is disposed anyway.
   * @default 30_000
   * @example { drainTimeoutMs: 5_000 }
   */
  drainTimeoutMs?: number;
  /**
   * Receives swap and failure messages (secret id and version ids only).
   * @default undefined (silent)
   * @example new Logger('Stripe')
   */
  logger?: ConnectionLogger;
}

/** Defaults of {@link RotatingClientOptions}. */
export const ROTATING_CLIENT_DEFAULTS = { drainTimeoutMs: 30_000 } as const satisfies Partial<RotatingClientOptions<unknown>>;

/** A client borrowed for one unit of work; call `release()` exactly once when done. */
export interface ClientLease<C> {
  readonly client: C;
  /** The secret version the client was built from. */
  readonly versionId: string;
  release(): void;
}

/** Reported after a new client took over. */
export interface ClientSwapEvent {
  readonly secretId: string;
  readonly previousVersionId: string;
  readonly versionId: string;
  /** `rebuilt` (a new client) or `reconfigured` (the same client, updated in place). */
  readonly mode: 'rebuilt' | 'reconfigured';
}

interface Generation<C> {
  client: C;
  versionId: string;
  leases: number;
  retired: boolean;
  disposed?: Promise<void>;
  drainTimer?: ReturnType<typeof setTimeout>;
  /** Resolves once the client was disposed (set when the generation is retired). */
  finished?: Promise<void>;
  finish?: () => void;
}

/**
 * Keeps any client (an HTTP API SDK, an SMTP transport, ...) in step with a rotating secret:
 * when the secret's AWSCURRENT moves, a new client is built and takes all new work, while work
 * already running on the old client finishes on it; the old client is disposed once its last
 * lease is released. Use {@link RotatingClient.use} (or `acquire()`/`release()`) around each
 * unit of work so the swap can wait for it.
 *
 * Built by {@link createRotatingClient}.
 */
export class RotatingClient<C, T = unknown> {
  private active!: Generation<C>;
  private readonly retiring = new Set<Generation<C>>();
  private readonly swapListeners = new Set<(event: ClientSwapEvent) => void>();
  private queue: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  private closed = false;

  private readonly source: Pick<CredentialsSource<T>, 'secretId' | 'current' | 'onChange'>;

  private constructor(
    secret: RotatingClientSecret<T>,
    private readonly options: RotatingClientOptions<C, T>,
  ) {
    this.source = 'changes$' in secret ? credentialsFromSecretHandle(secret) : secret;
  }

  /** @internal Use {@link createRotatingClient}. */
  static async start<C, T>(secret: RotatingClientSecret<T>, options: RotatingClientOptions<C, T>): Promise<RotatingClient<C, T>> {
    const rotating = new RotatingClient<C, T>(secret, options);
    await rotating.begin();
    return rotating;
  }

  /** The secret this client follows. */
  get secretId(): string {
    return this.source.secretId;
  }

  /** The version the client taking new work was built from. */
  get versionId(): string {
    return this.active.versionId;
  }

  /**
   * The client taking new work, without a lease. Fine for one synchronous call; for anything
   * that awaits, prefer {@link use} so a rotation does not dispose the client under it.
   */
  get client(): C {
    return this.active.client;
  }

  /** Runs `work` with the current client, holding a lease until it settles. */
  async use<R>(work: (client: C) => R | Promise<R>): Promise<R> {
    const lease = this.acquire();
    try {
      return await work(lease.client);
    } finally {
      lease.release();
    }
  }

  /** Borrows the current client; it will not be disposed before `release()`. */
  acquire(): ClientLease<C> {
    if (this.closed) {
      throw new KeyturnError(`the client of secret "${this.secretId}" was closed (application shutting down?)`, {
        secretId: this.secretId,
        code: 'ClientClosed',
        hint: 'acquire clients only between createRotatingClient() and close()',
      });
    }
    const generation = this.active;
    generation.leases += 1;
    let released = false;
    return {
      client: generation.client,
      versionId: generation.versionId,
      release: () => {
        if (released) return;
        released = true;
        generation.leases -= 1;
        if (generation.retired && generation.leases === 0) void this.dispose(generation);
      },
    };
  }

  /** Calls `listener` after each swap; returns an unsubscribe function. */
  onSwap(listener: (event: ClientSwapEvent) => void): () => void {
    this.swapListeners.add(listener);
    return () => this.swapListeners.delete(listener);
  }

  /**
   * Builds a client from the current value now if it differs from the active one's version.
   * Resolves when that (and any earlier) swap finished.
   */
  rebuild(): Promise<void> {
    this.queue = this.queue.then(() => this.swapToCurrent());
    return this.queue;
  }

  /** Stops following the secret, waits for leases (up to `drainTimeoutMs`) and disposes every client. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    await this.queue;
    this.retire(this.active);
    await Promise.all([...this.retiring].map((g) => g.finished));
  }

  /** Nest calls this on shutdown when the instance is a provider. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async begin(): Promise<void> {
    const version = this.source.current();
    const client = await this.options.create(version.value, version);
    this.active = { client, versionId: version.versionId, leases: 0, retired: false };
    this.unsubscribe = this.source.onChange(() => {
      void this.rebuild();
    });
  }

  private async swapToCurrent(): Promise<void> {
    if (this.closed) return;
    const { logger } = this.options;
    const source = this.source;
    const version = source.current();
    const previous = this.active;
    if (version.versionId === previous.versionId) return;
    if (this.options.reconfigure) {
      try {
        if (await this.options.reconfigure(previous.client, version.value)) {
          const previousVersionId = previous.versionId;
          previous.versionId = version.versionId;
          this.emit({ secretId: this.secretId, previousVersionId, versionId: version.versionId, mode: 'reconfigured' });
          return;
        }
      } catch (error) {
        logger?.warn(`reconfiguring the client of secret "${this.secretId}" for version ${version.versionId} failed (${nameOf(error)}); building a new one`);
      }
    }
    let client: C;
    try {
      client = await this.options.create(version.value, version);
    } catch (error) {
      logger?.error(`building a client for secret "${this.secretId}" version ${version.versionId} failed (${nameOf(error)}); version ${previous.versionId} stays in service`);
      return;
    }
    if (this.closed) {
      await this.options.dispose?.(client);
      return;
    }
    this.active = { client, versionId: version.versionId, leases: 0, retired: false };
    this.retire(previous);
    logger?.log(`secret "${this.secretId}" rotated: new work uses a client for version ${version.versionId}; the one for ${previous.versionId} drains`);
    this.emit({ secretId: this.secretId, previousVersionId: previous.versionId, versionId: version.versionId, mode: 'rebuilt' });
  }

  private retire(generation: Generation<C>): void {
    generation.retired = true;
    generation.finished = new Promise((resolve) => (generation.finish = resolve));
    this.retiring.add(generation);
    if (generation.leases === 0) {
      void this.dispose(generation);
      return;
    }
    const timeout = this.options.drainTimeoutMs ?? ROTATING_CLIENT_DEFAULTS.drainTimeoutMs;
    generation.drainTimer = setTimeout(() => {
      this.options.logger?.warn(`client of secret "${this.secretId}" version ${generation.versionId} still had ${generation.leases} lease(s) after ${timeout} ms; disposing it`);
      void this.dispose(generation);
    }, timeout);
    generation.drainTimer.unref?.();
  }

  private dispose(generation: Generation<C>): Promise<void> {
    if (!generation.disposed) {
      if (generation.drainTimer) clearTimeout(generation.drainTimer);
      generation.disposed = (async () => {
        try {
          await this.options.dispose?.(generation.client);
        } catch (error) {
          this.options.logger?.warn(`disposing the client of secret "${this.secretId}" version ${generation.versionId} failed (${nameOf(error)})`);
        } finally {
          this.retiring.delete(generation);
          generation.finish?.();
        }
      })();
    }
    return generation.disposed;
  }

  private emit(event: ClientSwapEvent): void {
    for (const listener of this.swapListeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the swap.
      }
    }
  }
}

function nameOf(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

/**
 * Builds the first client from the secret's current value and keeps it in step with the secret:
 * see {@link RotatingClient}. Rejects when the first client cannot be built.
 *
 * @example
 * const stripe = await createRotatingClient(await secrets.handle(StripeSecret), {
 *   create: (v: { apiKey: string }) => new Stripe(v.apiKey),
 * });
 * await stripe.use((client) => client.refunds.create({ charge }));
 */
export function createRotatingClient<C, T = unknown>(secret: RotatingClientSecret<T>, options: RotatingClientOptions<C, T>): Promise<RotatingClient<C, T>> {
  return RotatingClient.start(secret, options);
}
