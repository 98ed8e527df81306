/** A fault to inject, for one operation or (without `operation`) for all. */
export interface FaultSpec {
  /**
   * Operation the fault applies to, e.g. `GetSecretValue`.
   * @default every operation
   */
  operation?: string;
  /**
   * Region the fault applies to (the region of the request's SigV4 scope), e.g. `eu-west-1`.
   * An outage of one region resets that region's connections while the others serve.
   * @default every region
   */
  region?: string;
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
const keyOf = (operation?: string, region?: string) => `${region ?? ALL}|${operation ?? ALL}`;
const WHOLE = keyOf();

/** A fault spec that is not an object of the documented members. */
export class FaultSpecError extends Error {
  override readonly name = this.constructor.name;
}

/** Checks a fault spec received over the admin route (member names and types). */
export function parseFaultSpec(value: unknown): FaultSpec {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FaultSpecError('The body must be a JSON object.');
  const v = value as Record<string, unknown>;
  const spec: FaultSpec = {};
  for (const [k, x] of Object.entries(v)) {
    if ((k === 'operation' || k === 'region') && typeof x === 'string' && x.length > 0 && x.length <= 128) spec[k] = x;
    else if ((k === 'latencyMs' || k === 'durationMs') && typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 3_600_000) spec[k] = x;
    else if ((k === 'throttle' || k === 'serverError' || k === 'outage') && typeof x === 'boolean') spec[k] = x;
    else throw new FaultSpecError(`Member '${k.slice(0, 64)}' is unknown or has the wrong type.`);
  }
  return spec;
}

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
    const key = keyOf(spec.operation, spec.region);
    const wasOut = this.outage;
    this.faults.set(key, { ...spec });
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    if (spec.durationMs !== undefined && spec.durationMs > 0) {
      const t = setTimeout(() => this.clear(spec.operation, spec.region), spec.durationMs);
      t.unref();
      this.timers.set(key, t);
    }
    if (this.outage !== wasOut) this.listener?.(this.outage);
  }

  /** Clears the fault of one operation (of one region), or of one region, or every fault. */
  clear(operation?: string, region?: string): void {
    const wasOut = this.outage;
    const keys = operation === undefined && region === undefined ? [...this.faults.keys()] : operation === undefined ? [...this.faults.keys()].filter((k) => k.startsWith(`${region}|`)) : [keyOf(operation, region)];
    for (const k of keys) {
      this.faults.delete(k);
      clearTimeout(this.timers.get(k));
      this.timers.delete(k);
    }
    if (this.outage !== wasOut) this.listener?.(this.outage);
  }

  /** True while the whole endpoint is out. */
  get outage(): boolean {
    return this.faults.get(WHOLE)?.outage === true;
  }

  /** The faults in force, for display. */
  list(): FaultSpec[] {
    return [...this.faults.values()].map((f) => ({ ...f }));
  }

  decide(operation: string, region?: string): FaultDecision {
    const keys = [WHOLE, keyOf(operation)];
    if (region !== undefined) keys.push(keyOf(undefined, region), keyOf(operation, region));
    const specs = keys.map((k) => this.faults.get(k)).filter((f): f is FaultSpec => f !== undefined);
    return {
      latencyMs: specs.reduce((n, f) => n + (f.latencyMs ?? 0), 0),
      throttle: specs.some((f) => f.throttle === true),
      serverError: specs.some((f) => f.serverError === true),
      reset: specs.some((f) => f.outage === true && (f.operation !== undefined || f.region !== undefined)),
    };
  }

  /** @internal stops the auto-clear timers. */
  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
