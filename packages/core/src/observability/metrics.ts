import { INSPECT } from '../values/redaction.js';

/** A plain snapshot of the store's counters (labels are secret ids at most, never values). */
export interface MetricsSnapshot {
  /** `get()`/`load()` answered from the cache. */
  hits: number;
  /** Reads that found nothing cached (a fetch was needed, or the read failed). */
  misses: number;
  /** hits / (hits + misses); 0 before any read. */
  hitRate: number;
  /** API calls by operation (e.g. `BatchGetSecretValue`, `GetSecretValue`). */
  apiCalls: Record<string, number>;
  /** Fetch errors by code (e.g. `AccessDeniedException`, `ECONNREFUSED`). */
  errors: Record<string, number>;
  /** Reads served a stale value (transient outage). */
  staleServes: number;
  /** Reads served a value from a non-primary source of a chain. */
  fallbackServes: number;
  /** Mismatches found in migration mode (each new or changed disagreement of old and new source counts once). */
  mismatches: number;
  /** Refresh latency in milliseconds over the last 1024 fetches. */
  refreshLatencyMs: { count: number; p50?: number; p99?: number; last?: number };
}

/** The parts of an OpenTelemetry `Meter` Keyturn uses (structural, so the API package stays optional). */
export interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): { add(value: number, attributes?: Record<string, string>): void };
  createHistogram(name: string, options?: { description?: string; unit?: string }): { record(value: number, attributes?: Record<string, string>): void };
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): ObservableLike;
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): ObservableLike;
}

/** An observable instrument. */
export interface ObservableLike {
  addCallback(cb: (result: { observe(value: number, attributes?: Record<string, string>): void }) => void): void;
  removeCallback?(cb: (result: { observe(value: number, attributes?: Record<string, string>): void }) => void): void;
}

interface OtelInstruments {
  apiCalls: ReturnType<MeterLike['createCounter']>;
  errors: ReturnType<MeterLike['createCounter']>;
  mismatches: ReturnType<MeterLike['createCounter']>;
  latency: ReturnType<MeterLike['createHistogram']>;
  detach: () => void;
}

const WINDOW = 1024;

/**
 * Counts what the store does. Hot-path counters are plain numbers read by OpenTelemetry
 * observable counters, so a cached `get()` costs an increment, not an instrument call.
 */
export class MetricsRecorder {
  hits = 0;
  misses = 0;
  staleServes = 0;
  fallbackServes = 0;
  mismatches = 0;
  readonly #apiCalls = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  readonly #latencies: number[] = [];
  #latencyCount = 0;
  #last?: number;
  #otel?: OtelInstruments;

  apiCall(operation: string): void {
    this.#apiCalls.set(operation, (this.#apiCalls.get(operation) ?? 0) + 1);
    this.#otel?.apiCalls.add(1, { operation });
  }

  error(code: string, secretId: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
    this.#otel?.errors.add(1, { code, secret_id: secretId });
  }

  /** A side-by-side source reported a mismatch (labelled by secret id; key paths stay out of labels). */
  mismatch(secretId: string): void {
    this.mismatches++;
    this.#otel?.mismatches.add(1, { secret_id: secretId });
  }

  refreshLatency(ms: number, secretCount: number): void {
    this.#latencies[this.#latencyCount % WINDOW] = ms;
    this.#latencyCount++;
    this.#last = ms;
    this.#otel?.latency.record(ms, { secrets: String(secretCount) });
  }

  snapshot(): MetricsSnapshot {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : undefined);
    const reads = this.hits + this.misses;
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: reads === 0 ? 0 : this.hits / reads,
      apiCalls: Object.fromEntries(this.#apiCalls),
      errors: Object.fromEntries(this.#errors),
      staleServes: this.staleServes,
      fallbackServes: this.fallbackServes,
      mismatches: this.mismatches,
      refreshLatencyMs: { count: this.#latencyCount, p50: pct(50), p99: pct(99), last: this.#last },
    };
  }

  /**
   * Registers the OpenTelemetry instruments on `meter`, or on the global meter provider's
   * `@keyturn/core` meter when `@opentelemetry/api` can be imported. A no-op when it cannot.
   * @returns whether instruments were registered
   */
  async enableOpenTelemetry(meter: MeterLike | undefined, ages: () => { secretId: string; ageMs?: number }[]): Promise<boolean> {
    if (this.#otel) return true;
    let m = meter;
    if (!m) {
      try {
        const api = await import('@opentelemetry/api');
        m = api.metrics.getMeter('@keyturn/core') as unknown as MeterLike;
      } catch {
        return false;
      }
    }
    const observe = (inst: ObservableLike, read: () => number) => {
      const cb = (r: { observe(value: number, attributes?: Record<string, string>): void }) => r.observe(read());
      inst.addCallback(cb);
      return () => inst.removeCallback?.(cb);
    };
    const ageCb = (r: { observe(value: number, attributes?: Record<string, string>): void }) => {
      for (const a of ages()) if (a.ageMs !== undefined) r.observe(a.ageMs / 1000, { secret_id: a.secretId });
    };
    const ageGauge = m.createObservableGauge('keyturn.secret.age', { description: 'Seconds since the served value was fetched', unit: 's' });
    ageGauge.addCallback(ageCb);
    const detachers = [
      observe(m.createObservableCounter('keyturn.cache.hits', { description: 'Reads answered from the cache' }), () => this.hits),
      observe(m.createObservableCounter('keyturn.cache.misses', { description: 'Reads that found nothing cached' }), () => this.misses),
      observe(m.createObservableCounter('keyturn.cache.stale_serves', { description: 'Reads served a stale value' }), () => this.staleServes),
      observe(m.createObservableCounter('keyturn.cache.fallback_serves', { description: 'Reads served by a fallback source' }), () => this.fallbackServes),
      () => ageGauge.removeCallback?.(ageCb),
    ];
    this.#otel = {
      apiCalls: m.createCounter('keyturn.api.calls', { description: 'Secrets Manager API calls by operation' }),
      errors: m.createCounter('keyturn.errors', { description: 'Fetch errors by code' }),
      mismatches: m.createCounter('keyturn.migration.mismatches', { description: 'Disagreements between the old source and Secrets Manager in migration mode' }),
      latency: m.createHistogram('keyturn.refresh.duration', { description: 'Duration of a fetch of one or more secrets', unit: 'ms' }),
      detach: () => detachers.forEach((d) => d()),
    };
    return true;
  }

  /** Removes the observable callbacks (the store calls it on stop). */
  disableOpenTelemetry(): void {
    this.#otel?.detach();
    this.#otel = undefined;
  }

  toJSON(): MetricsSnapshot {
    return this.snapshot();
  }

  [INSPECT](): string {
    return `MetricsRecorder(${JSON.stringify(this.snapshot())})`;
  }
}
