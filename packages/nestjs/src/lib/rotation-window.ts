import type { SecretHandle } from './interfaces/secret-handle.interface.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** What {@link RotationWindow} reads from a secret: a `SecretHandle` (as injected by `@InjectSecret`) fits. */
export type RotationWindowSource<T> = Pick<SecretHandle<T>, 'secretId' | 'get' | 'changes$' | 'refresh' | 'fetchVersion'>;

/** Settings of {@link RotationWindow.open}. */
export interface RotationWindowOptions {
  /**
   * Forced refreshes after a value matched nothing happen at most this often, so requests with
   * bad signatures cannot make the application hammer Secrets Manager. `0` turns the limit off.
   * @default 1_000
   * @example { minForcedRefreshIntervalMs: 5_000 }
   */
  minForcedRefreshIntervalMs?: number;
}

/** Settings of one {@link RotationWindow.verify} call. */
export interface RotationWindowVerifyOptions {
  /**
   * Tells "this value does not match" (try the next one) from a failure that no other version
   * can fix (a malformed payload, an expired token): errors for which it returns `false` are
   * thrown at once, without trying further values or forcing a refresh.
   * @default every error means "no match"
   * @example { isMismatch: (err) => err instanceof Stripe.errors.StripeSignatureVerificationError }
   */
  isMismatch?: (error: unknown) => boolean;
}

/** Defaults of {@link RotationWindowOptions}. */
export const ROTATION_WINDOW_DEFAULTS = { minForcedRefreshIntervalMs: 1_000 } as const satisfies Required<RotationWindowOptions>;

/**
 * The values a verifier of signatures (JWT, Stripe webhooks, HMAC-signed requests) should accept
 * while a secret rotates: the current version and the one it replaced (AWSPREVIOUS).
 *
 * Open it after the secrets are loaded (in `onApplicationBootstrap` or later). It reads
 * AWSPREVIOUS once, so an instance restarted inside a rotation window still accepts tokens signed
 * with the previous key; a secret that never rotated has no previous value. From then on each
 * rotation moves the current value to `previous()`.
 *
 * Values stay in memory: `util.inspect` and `JSON.stringify` show the secret id only.
 *
 * @example
 * const keys = await RotationWindow.open(jwtKeyHandle);
 * const claims = await keys.verify((key) => jwt.verify(token, key.secret, { algorithms: ['HS256'] }));
 */
export class RotationWindow<T> {
  #previous: T | undefined;
  #lastForcedRefreshAt: number | undefined;
  #inflight: Promise<boolean> | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #handle: RotationWindowSource<T>;
  readonly #minIntervalMs: number;

  private constructor(handle: RotationWindowSource<T>, options: Required<RotationWindowOptions>) {
    this.#handle = handle;
    this.#minIntervalMs = options.minForcedRefreshIntervalMs;
  }

  /**
   * Starts tracking `handle`: subscribes to its rotations and reads AWSPREVIOUS once (a failed or
   * missing AWSPREVIOUS leaves `previous()` empty). The secret must be loaded (`handle.get()` works).
   */
  static async open<T>(handle: RotationWindowSource<T>, options: RotationWindowOptions = {}): Promise<RotationWindow<T>> {
    const window = new RotationWindow<T>(handle, { ...ROTATION_WINDOW_DEFAULTS, ...options });
    await window.#track();
    return window;
  }

  /** Secret name or ARN. */
  get secretId(): string {
    return this.#handle.secretId;
  }

  /** The value currently served (the last good version). */
  current(): T {
    return this.#handle.get();
  }

  /** The value the current one replaced, if known. */
  previous(): T | undefined {
    return this.#previous;
  }

  /** The values to accept, current first. */
  candidates(): readonly T[] {
    const current = this.current();
    const previous = this.#previous;
    return previous === undefined || previous === current ? [current] : [current, previous];
  }

  /**
   * Returns what `attempt` returns for the first value it accepts: the current value, then the
   * previous one. An attempt says "no match" by throwing. When nothing matches, the secret is
   * refreshed once (shared by concurrent callers, at most once per `minForcedRefreshIntervalMs`)
   * and, if a new version arrived, `attempt` runs on it. Otherwise the last error is thrown.
   */
  async verify<R>(attempt: (value: T) => R | Promise<R>, options: RotationWindowVerifyOptions = {}): Promise<R> {
    const isMismatch = options.isMismatch ?? (() => true);
    let lastError: unknown;
    const tried = new Set<T>();
    for (const value of this.candidates()) {
      tried.add(value);
      try {
        return await attempt(value);
      } catch (err) {
        if (!isMismatch(err)) throw err;
        lastError = err;
      }
    }
    if (await this.refreshAfterRejection()) {
      const current = this.current();
      if (!tried.has(current)) return attempt(current);
    }
    throw lastError;
  }

  /**
   * Forces one refresh of the secret after a value was refused (a signature matching no known
   * version, a login the server refused). Concurrent callers share one call; calls closer together
   * than `minForcedRefreshIntervalMs` return `false` without calling AWS. A failed refresh also
   * returns `false` (the store reports it). Resolves `true` when a new version arrived.
   */
  async refreshAfterRejection(): Promise<boolean> {
    if (this.#inflight) return this.#inflight;
    const now = Date.now();
    if (this.#lastForcedRefreshAt !== undefined && now - this.#lastForcedRefreshAt < this.#minIntervalMs) return false;
    this.#lastForcedRefreshAt = now;
    this.#inflight = this.#handle
      .refresh({ force: true })
      .then((r) => r.changed)
      .catch(() => false)
      .finally(() => {
        this.#inflight = undefined;
      });
    return this.#inflight;
  }

  /** Stops following rotations (`current()` still reads the handle). */
  close(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  toJSON(): { secretId: string; hasPrevious: boolean } {
    return { secretId: this.secretId, hasPrevious: this.#previous !== undefined };
  }

  [INSPECT](): string {
    return `RotationWindow <${this.secretId}> { hasPrevious: ${this.#previous !== undefined} }`;
  }

  toString(): string {
    return this[INSPECT]();
  }

  async #track(): Promise<void> {
    let last = this.#handle.get();
    let rotated = false;
    const sub = this.#handle.changes$.subscribe((event) => {
      rotated = true;
      this.#previous = last;
      last = event.value;
    });
    this.#unsubscribe = () => sub.unsubscribe();
    try {
      const previous = await this.#handle.fetchVersion('AWSPREVIOUS');
      if (!rotated) this.#previous = previous;
    } catch {
      // A secret that never rotated has no AWSPREVIOUS: only the current value is accepted.
    }
  }
}
