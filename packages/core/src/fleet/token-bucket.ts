/**
 * A token bucket: up to `burst` tokens, refilled continuously at `ratePerSecond`. Over any window
 * of `t` seconds at most `burst + ratePerSecond × t` tokens are taken, whatever the callers do.
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #at: number;

  constructor(options: { ratePerSecond: number; burst: number; now?: () => number }) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) throw new RangeError(`token bucket needs ratePerSecond > 0 and burst >= 1 (got ${options.ratePerSecond} and ${options.burst})`);
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.#now = options.now ?? Date.now;
    this.#tokens = options.burst;
    this.#at = this.#now();
  }

  /** Takes a token if one is there. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0 when one is). */
  msUntilToken(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.ratePerSecond) * 1000);
  }

  #refill(): void {
    const now = this.#now();
    if (now > this.#at) this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.ratePerSecond);
    this.#at = Math.max(this.#at, now);
  }
}
