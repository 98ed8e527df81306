import type { SecretHandle } from '@keyturn/nestjs';

/**
 * A secret whose current and previous values the API needs: signature verifiers accept both
 * during a rotation window, and clients that cannot follow a rotation on their own are rebuilt.
 * Wraps a Keyturn `SecretHandle`; values stay in memory and are never printed.
 */
export class RotatingSecret<T> {
  private previousValue: T | undefined;
  private lastForcedRefresh = 0;
  private inflight: Promise<boolean> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly handle: SecretHandle<T>,
    /** Forced refreshes after a rejected credential happen at most this often (bad input must not hammer Secrets Manager). */
    private readonly minForcedRefreshIntervalMs = 1_000,
  ) {}

  get secretId(): string {
    return this.handle.secretId;
  }

  /** The Keyturn handle (for helpers such as `RotatingClient`). */
  get secretHandle(): SecretHandle<T> {
    return this.handle;
  }

  /** The value currently served (last good value). */
  current(): T {
    return this.handle.get();
  }

  /** Version id of the current value. */
  versionId(): string | undefined {
    return this.handle.state().versionId;
  }

  /** The value that was current before the last rotation, if known. */
  previous(): T | undefined {
    return this.previousValue;
  }

  /** Reads AWSPREVIOUS once (so a restart inside a rotation window still accepts it) and tracks rotations from then on. */
  async start(): Promise<void> {
    let last = this.handle.get();
    const sub = this.handle.changes$.subscribe((event) => {
      this.previousValue = last;
      last = event.value;
    });
    this.unsubscribe = () => sub.unsubscribe();
    try {
      const prev = await this.handle.fetchVersion('AWSPREVIOUS');
      if (this.previousValue === undefined) this.previousValue = prev;
    } catch {
      // A secret that never rotated has no AWSPREVIOUS: only the current value is accepted.
    }
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Calls `listener` after each rotation with the new value. */
  onRotation(listener: (value: T) => void): () => void {
    const sub = this.handle.changes$.subscribe((event) => listener(event.value));
    return () => sub.unsubscribe();
  }

  /**
   * Forces a refresh after a credential was refused (a signature matching no known version, a
   * login the SMTP relay refused). Concurrent callers share one call; returns whether a new version arrived.
   */
  async refreshAfterRejection(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    if (Date.now() - this.lastForcedRefresh < this.minForcedRefreshIntervalMs) return false;
    this.lastForcedRefresh = Date.now();
    this.inflight = this.handle
      .refresh({ force: true })
      .then((r) => r.changed)
      .catch(() => false)
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
