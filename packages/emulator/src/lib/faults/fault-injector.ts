/** A fault to inject, for one operation or (without `operation`) for all. */
export interface FaultSpec {
  /**
   * Operation the fault applies to, e.g. `GetSecretValue`.
   * @default every operation
   */
  operation?: string;
  /** Added latency before the request is handled, in milliseconds. */
  latencyMs?: number;
  /** Answer ThrottlingException (HTTP 400). */
  throttle?: boolean;
  /** Answer InternalServiceError (HTTP 500). */
  serverError?: boolean;
  /**
   * Outage. Without `operation`: the listening socket closes (connection refused) until cleared.
   * With `operation`: requests for it have their connection reset without an answer.
   */
  outage?: boolean;
  /**
   * Clear this fault by itself after this many milliseconds (useful for an outage set over the
   * admin route, which is unreachable while the listener is closed).
   */
  durationMs?: number;
}

/** What to do with one request. */
export interface FaultDecision {
  latencyMs: number;
  throttle: boolean;
  serverError: boolean;
  reset: boolean;
}

const ALL = '*';

/**
 * Holds the injected faults. Listeners learn when the whole-endpoint outage starts or ends so
 * the server can close and re-open its listening socket.
 */
export class FaultInjector {
  private readonly faults = new Map<string, FaultSpec>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private listener: ((outage: boolean) => void) | undefined;

  /** @internal the server's hook for the whole-endpoint outage. */
  onOutageChange(listener: (outage: boolean) => void): void {
    this.listener = listener;
  }

  /** Sets (replaces) the fault for `spec.operation` (or for every operation). */
  set(spec: FaultSpec): void {
    const key = spec.operation ?? ALL;
    const wasOut = this.outage;
    this.faults.set(key, { ...spec });
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (spec.durationMs !== undefined && spec.durationMs > 0) {
      const t = setTimeout(() => this.clear(spec.operation ?? undefined), spec.durationMs);
      t.unref();
      this.timers.set(key, t);
    }
    if (this.outage !== wasOut) this.listener?.(this.outage);
  }

  /** Clears the fault of one operation, or every fault. */
  clear(operation?: string): void {
    const wasOut = this.outage;
    const keys = operation === undefined ? [...this.faults.keys()] : [operation];
    for (const k of keys) {
      this.faults.delete(k);
      clearTimeout(this.timers.get(k));
      this.timers.delete(k);
    }
    if (this.outage !== wasOut) this.listener?.(this.outage);
  }

  /** True while the whole endpoint is out. */
  get outage(): boolean {
    return this.faults.get(ALL)?.outage === true;
  }

  /** The faults in force, for display. */
  list(): FaultSpec[] {
    return [...this.faults.values()].map((f) => ({ ...f }));
  }

  decide(operation: string): FaultDecision {
    const specs = [this.faults.get(ALL), this.faults.get(operation)].filter((f): f is FaultSpec => f !== undefined);
    return {
      latencyMs: specs.reduce((n, f) => n + (f.latencyMs ?? 0), 0),
      throttle: specs.some((f) => f.throttle === true),
      serverError: specs.some((f) => f.serverError === true),
      reset: specs.some((f) => f.outage === true && f.operation !== undefined),
    };
  }

  /** @internal stops the auto-clear timers. */
  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
