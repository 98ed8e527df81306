/** How one API request ended, as the request counter sorts it. */
export type RequestOutcome = 'ok' | 'throttled' | 'error';

/** The requests of one operation in one region since the counter was last reset. */
export interface OperationCount {
  readonly region: string;
  readonly operation: string;
  /** Every request answered (or reset by an injected fault), whatever its outcome. */
  readonly requests: number;
  /** Of these, the ones answered with ThrottlingException (quotas mode or an injected throttle). */
  readonly throttled: number;
  /** Of these, the ones that failed otherwise (any other error status, injected resets). */
  readonly errors: number;
  /** The most requests received within one second of the clock (whole seconds). */
  readonly peakPerSecond: number;
}

interface Counter {
  region: string;
  operation: string;
  requests: number;
  throttled: number;
  errors: number;
  peakPerSecond: number;
  second: number;
  inSecond: number;
}

/**
 * Counts the API requests the emulator answers, by region and operation: totals, throttled,
 * failed, and the peak rate in any one second, so a test or benchmark can compare the load a
 * fleet puts on the service with the quotas. Requests refused before their operation is known
 * (Host check, unknown operation, body too large), admin requests and connections refused by a
 * whole-endpoint outage are not counted.
 */
export class RequestCounter {
  readonly #counters = new Map<string, Counter>();
  readonly #clock: () => number;

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  record(region: string, operation: string, outcome: RequestOutcome): void {
    const key = `${region}\n${operation}`;
    let c = this.#counters.get(key);
    if (!c) {
      c = { region, operation, requests: 0, throttled: 0, errors: 0, peakPerSecond: 0, second: -1, inSecond: 0 };
      this.#counters.set(key, c);
    }
    const second = Math.floor(this.#clock() / 1000);
    if (second !== c.second) {
      c.second = second;
      c.inSecond = 0;
    }
    c.inSecond++;
    if (c.inSecond > c.peakPerSecond) c.peakPerSecond = c.inSecond;
    c.requests++;
    if (outcome === 'throttled') c.throttled++;
    else if (outcome === 'error') c.errors++;
  }

  /** The counts since the last reset, sorted by region and operation. */
  snapshot(): OperationCount[] {
    return [...this.#counters.values()]
      .map(({ region, operation, requests, throttled, errors, peakPerSecond }) => ({ region, operation, requests, throttled, errors, peakPerSecond }))
      .sort((a, b) => a.region.localeCompare(b.region) || a.operation.localeCompare(b.operation));
  }

  /** Starts counting afresh. */
  reset(): void {
    this.#counters.clear();
  }
}
