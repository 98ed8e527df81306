import { VERSION } from '../version.js';
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
  /** API calls by AWS region and operation, when the source is regional (`{ 'eu-west-1': { BatchGetSecretValue: 2 } }`). */
  apiCallsByRegion: Record<string, Record<string, number>>;
  /** Answers served by a replica region because the primary failed transiently, by region. */
  replicaFetches: Record<string, number>;
  /** Fetch errors by code (e.g. `AccessDeniedException`, `ECONNREFUSED`). */
  errors: Record<string, number>;
  /** Reads served a stale value (transient outage). */
  staleServes: number;
  /** Reads served a value from a non-primary source of a chain. */
  fallbackServes: number;
  /** New versions taken (AWSCURRENT moved and the new value passed validation). */
  rotations: number;
  /** New versions that failed validation (the last good value was kept, or the secret stayed failed). */
  rejectedVersions: number;
  /** Mismatches found in migration mode (each new or changed disagreement of old and new source counts once). */
  mismatches: number;
  /** Unfinished rotations seen: AWSPENDING authenticated while AWSCURRENT was rejected (once per pending version). */
  rotationsUnfinished: number;
  /** Connection retries after the server rejected credentials, by database system (`postgresql`, `redis`). */
  connectionRetries: Record<string, number>;
  /** Live re-authentications of connections after a rotation, by outcome (`success`, `failure`). */
  reauthentications: Record<string, number>;
  /** Push invalidation over a fleet bus (all zero without one; see `attachInvalidationBus`). */
  fleet: FleetMetricsSnapshot;
  /** Refresh latency in milliseconds over the last 1024 fetches. */
  refreshLatencyMs: { count: number; p50?: number; p99?: number; last?: number };
}

/** Counters of the fleet bus and watcher. */
export interface FleetMetricsSnapshot {
  /** Valid messages received from other instances. */
  received: number;
  /** Messages this instance published (new versions it saw, changes its watcher found). */
  published: number;
  /** Received messages dropped as invalid (shape, size, id or version syntax). */
  dropped: number;
  /** Refreshes held back by the rate limit (they run when the bucket refills). */
  rateLimited: number;
  /** Messages that joined a refresh already pending for the same secret. */
  coalesced: number;
  /** Refreshes the bus triggered. */
  refreshes: number;
  /** Whether this instance's watcher holds the fleet's watcher lock (1) or not (0). */
  leader: number;
}

/** What the fleet bus and watcher report to the store's metrics. */
export type FleetMetricEvent = { type: 'message'; outcome: FleetMessageOutcome } | { type: 'leader'; leader: boolean };

/** What became of one bus message. */
export type FleetMessageOutcome = 'received' | 'published' | 'dropped' | 'rate_limited' | 'coalesced' | 'refresh';

const FLEET_COUNTERS: Record<FleetMessageOutcome, Exclude<keyof FleetMetricsSnapshot, 'leader'>> = {
  received: 'received',
  published: 'published',
  dropped: 'dropped',
  rate_limited: 'rateLimited',
  coalesced: 'coalesced',
  refresh: 'refreshes',
};

/** Options of one instrument (a subset of OpenTelemetry's `MetricOptions`). */
export interface InstrumentOptions {
  description?: string;
  unit?: string;
  /** Hints for the SDK; Keyturn sets histogram bucket boundaries in seconds. */
  advice?: { explicitBucketBoundaries?: number[] };
}

/** Attributes of a measurement. */
export type MetricAttributes = Record<string, string>;

/** The parts of an OpenTelemetry `Meter` Keyturn uses (structural, so the API package stays optional). */
export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptions): { add(value: number, attributes?: MetricAttributes): void };
  createHistogram(name: string, options?: InstrumentOptions): { record(value: number, attributes?: MetricAttributes): void };
  createObservableCounter(name: string, options?: InstrumentOptions): ObservableLike;
  createObservableGauge(name: string, options?: InstrumentOptions): ObservableLike;
}

/** The parts of an OpenTelemetry `MeterProvider` {@link keyturnMeter} uses. */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): unknown;
}

/** An observable instrument. */
export interface ObservableLike {
  addCallback(cb: ObservableCallbackLike): void;
  removeCallback?(cb: ObservableCallbackLike): void;
}

/** The callback of an observable instrument. */
export type ObservableCallbackLike = (result: { observe(value: number, attributes?: MetricAttributes): void }) => void;

/** What the recorder reads of each cached secret when metrics are collected (a subset of the store's `SecretState`). */
export interface MetricsSecretState {
  secretId: string;
  state: string;
  ageMs?: number;
  versionCreatedAt?: Date;
  /** Set for entries reading a stage other than AWSCURRENT or a pinned version (not reported per secret). */
  versionStage?: string;
  requestedVersionId?: string;
}

/**
 * Which secrets get a `keyturn.secret.id` attribute. Secrets without it are aggregated in one
 * series (per-tenant secrets would otherwise make a series per tenant).
 * - `'registered'`: the secrets registered when the store started (the application's own secrets;
 *   secrets loaded later on demand, like per-tenant ones, are aggregated);
 * - `'all'`: every secret (bounded only by the number of secrets the store holds);
 * - `'none'`: no per-secret attribute at all;
 * - a predicate: `true` for the secret ids to report one by one.
 */
export type SecretAttributesPolicy = 'registered' | 'all' | 'none' | ((secretId: string) => boolean);

/** Options of {@link MetricsRecorder.enableOpenTelemetry} (the store's `metrics` option). */
export interface MetricsOptions {
  /**
   * Which secrets get a `keyturn.secret.id` attribute.
   * @default 'registered'
   */
  secretAttributes?: SecretAttributesPolicy;
}

/** A connection-level event reported by the TypeORM and ioredis integrations. */
export type ConnectionMetricEvent =
  | {
      /** A new connection was rejected (28P01, WRONGPASS...) and is tried again with refreshed or AWSPENDING credentials. */
      type: 'retry';
      secretId: string;
      /** `db.system.name` of the server: `postgresql`, `redis`. */
      system: string;
      /** The server's code for the rejection (`28P01`, `WRONGPASS`). */
      code: string;
    }
  | {
      /** A live connection authenticated again with a rotated version (Redis `AUTH`). */
      type: 'reauthentication';
      secretId: string;
      system: string;
      outcome: 'success' | 'failure';
      /** The server's code when it failed. */
      code?: string;
    };

/** Name of the meter Keyturn's instruments are created on. */
export const KEYTURN_METER_NAME = '@keyturn/core';

/** Histogram boundaries of `keyturn.refresh.duration`, in seconds (those the semantic conventions advise for durations). */
export const REFRESH_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30];

/**
 * The meter Keyturn reports on: `provider.getMeter('@keyturn/core', <version of @keyturn/core>)`.
 * Pass it as the store's (or `SecretsModule`'s) `metrics.meter` when the application keeps its own
 * `MeterProvider` instead of registering a global one.
 * @example new SecretStore({ metrics: { meter: keyturnMeter(meterProvider) } })
 */
export function keyturnMeter(provider: MeterProviderLike): MeterLike {
  return provider.getMeter(KEYTURN_METER_NAME, VERSION) as MeterLike;
}

/** Secrets Manager operations: reported with `rpc.system: aws-api`. */
const AWS_OPERATIONS = new Set(['GetSecretValue', 'BatchGetSecretValue', 'DescribeSecret', 'ListSecrets', 'ListSecretVersionIds']);

/** The instruments that are called (the observable ones read the recorder when collected). */
interface OtelInstruments {
  apiCalls: ReturnType<MeterLike['createCounter']>;
  errors: ReturnType<MeterLike['createCounter']>;
  rotations: ReturnType<MeterLike['createCounter']>;
  rejected: ReturnType<MeterLike['createCounter']>;
  mismatches: ReturnType<MeterLike['createCounter']>;
  rotationsUnfinished: ReturnType<MeterLike['createCounter']>;
  replicaFetches: ReturnType<MeterLike['createCounter']>;
  connectionRetries: ReturnType<MeterLike['createCounter']>;
  reauthentications: ReturnType<MeterLike['createCounter']>;
  fleetMessages: ReturnType<MeterLike['createCounter']>;
  latency: ReturnType<MeterLike['createHistogram']>;
  detach: () => void;
}

const WINDOW = 1024;

/** Attribute keys (OpenTelemetry semantic conventions where one exists, `keyturn.*` otherwise). */
export const METRIC_ATTRIBUTES = {
  secretId: 'keyturn.secret.id',
  secretState: 'keyturn.secret.state',
  cacheResult: 'keyturn.cache.result',
  outcome: 'keyturn.outcome',
  errorType: 'error.type',
  rpcSystem: 'rpc.system',
  rpcService: 'rpc.service',
  rpcMethod: 'rpc.method',
  dbSystem: 'db.system.name',
  cloudRegion: 'cloud.region',
  fleetOutcome: 'keyturn.fleet.message.outcome',
} as const;

const A = METRIC_ATTRIBUTES;
const SECRET_STATES = ['pending', 'fresh', 'stale', 'fallback', 'failed'] as const;

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

/**
 * Counts what the store does. Hot-path counters are plain numbers read by OpenTelemetry
 * observable counters, so a cached `get()` costs an increment, not an instrument call.
 *
 * Instruments (OpenTelemetry semantic conventions: durations in seconds, `{unit}` annotations,
 * `error.type`, `rpc.*`, `db.system.name`, namespaced `keyturn.*` attributes):
 * `keyturn.cache.requests`, `keyturn.cache.hit_ratio`, `keyturn.cache.stale_serves`,
 * `keyturn.cache.fallback_serves`, `keyturn.api.calls`, `keyturn.errors`, `keyturn.refresh.duration`,
 * `keyturn.secret.age`, `keyturn.secret.version.age`, `keyturn.secret.state`, `keyturn.secrets`,
 * `keyturn.rotations`, `keyturn.rotation.rejected_versions`, `keyturn.rotation.unfinished`,
 * `keyturn.migration.mismatches`, `keyturn.region.replica_fetches`, `keyturn.connection.auth_retries`, `keyturn.connection.reauthentications`,
 * `keyturn.fleet.messages`, `keyturn.fleet.watcher.leader`.
 */
export class MetricsRecorder {
  hits = 0;
  misses = 0;
  staleServes = 0;
  fallbackServes = 0;
  rotations = 0;
  rejectedVersions = 0;
  mismatches = 0;
  rotationsUnfinished = 0;
  readonly #apiCalls = new Map<string, number>();
  readonly #apiCallsByRegion = new Map<string, Map<string, number>>();
  readonly #replicaFetches = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  readonly #connectionRetries = new Map<string, number>();
  readonly #reauthentications = new Map<string, number>();
  readonly #fleet: FleetMetricsSnapshot = { received: 0, published: 0, dropped: 0, rateLimited: 0, coalesced: 0, refreshes: 0, leader: 0 };
  readonly #latencies: number[] = [];
  #latencyCount = 0;
  #last?: number;
  #otel?: OtelInstruments;
  #perSecret: (secretId: string) => boolean = () => false;

  /** `{ 'keyturn.secret.id': id }` when the policy reports this secret one by one, else `{}`. */
  #secret(secretId: string): MetricAttributes {
    return this.#perSecret(secretId) ? { [A.secretId]: secretId } : {};
  }

  apiCall(operation: string, region?: string): void {
    bump(this.#apiCalls, operation);
    if (region !== undefined) {
      let ops = this.#apiCallsByRegion.get(region);
      if (!ops) this.#apiCallsByRegion.set(region, (ops = new Map()));
      bump(ops, operation);
    }
    const attrs: MetricAttributes = AWS_OPERATIONS.has(operation) ? { [A.rpcSystem]: 'aws-api', [A.rpcService]: 'Secrets Manager', [A.rpcMethod]: operation } : { [A.rpcMethod]: operation };
    this.#otel?.apiCalls.add(1, region !== undefined ? { ...attrs, [A.cloudRegion]: region } : attrs);
  }

  /** A replica region answered for a primary that failed transiently. */
  replicaFetch(region: string): void {
    bump(this.#replicaFetches, region);
    this.#otel?.replicaFetches.add(1, { [A.cloudRegion]: region });
  }

  error(code: string, secretId: string): void {
    bump(this.#errors, code);
    this.#otel?.errors.add(1, { [A.errorType]: code, ...this.#secret(secretId) });
  }

  /** A new version of `secretId` was taken (its value changed and passed validation). */
  rotation(secretId: string): void {
    this.rotations++;
    this.#otel?.rotations.add(1, this.#secret(secretId));
  }

  /** A new version of `secretId` failed validation and was not taken. */
  rejected(secretId: string): void {
    this.rejectedVersions++;
    this.#otel?.rejected.add(1, this.#secret(secretId));
  }

  /** AWSPENDING authenticated while AWSCURRENT was rejected: a rotation changed credentials and did not finish. */
  rotationUnfinished(secretId: string): void {
    this.rotationsUnfinished++;
    this.#otel?.rotationsUnfinished.add(1, this.#secret(secretId));
  }

  /** A side-by-side source reported a mismatch (labelled by secret id; key paths stay out of labels). */
  mismatch(secretId: string): void {
    this.mismatches++;
    this.#otel?.mismatches.add(1, this.#secret(secretId));
  }

  /** A connection retry or re-authentication reported by the TypeORM / ioredis integrations. */
  connection(event: ConnectionMetricEvent): void {
    const attrs: MetricAttributes = { [A.dbSystem]: event.system, ...this.#secret(event.secretId) };
    if (event.type === 'retry') {
      bump(this.#connectionRetries, event.system);
      this.#otel?.connectionRetries.add(1, { ...attrs, [A.errorType]: event.code });
    } else {
      bump(this.#reauthentications, event.outcome);
      this.#otel?.reauthentications.add(1, { ...attrs, [A.outcome]: event.outcome, ...(event.code ? { [A.errorType]: event.code } : {}) });
    }
  }

  /** A fleet bus message's outcome, or a change of the watcher's leadership. */
  fleet(event: FleetMetricEvent): void {
    if (event.type === 'leader') {
      this.#fleet.leader = event.leader ? 1 : 0;
      return;
    }
    this.#fleet[FLEET_COUNTERS[event.outcome]]++;
    this.#otel?.fleetMessages.add(1, { [A.fleetOutcome]: event.outcome });
  }

  /** Duration of one fetch (of one or more secrets), in milliseconds; exported in seconds. */
  refreshLatency(ms: number, _secretCount: number): void {
    this.#latencies[this.#latencyCount % WINDOW] = ms;
    this.#latencyCount++;
    this.#last = ms;
    // The batch size stays out of the attributes: a series per size would tell nothing.
    this.#otel?.latency.record(ms / 1000);
  }

  snapshot(): MetricsSnapshot {
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : undefined);
    return {
      hits: this.hits,
      misses: this.misses,
      hitRate: this.#hitRatio(),
      apiCalls: Object.fromEntries(this.#apiCalls),
      apiCallsByRegion: Object.fromEntries([...this.#apiCallsByRegion].map(([region, ops]) => [region, Object.fromEntries(ops)])),
      replicaFetches: Object.fromEntries(this.#replicaFetches),
      errors: Object.fromEntries(this.#errors),
      staleServes: this.staleServes,
      fallbackServes: this.fallbackServes,
      rotations: this.rotations,
      rejectedVersions: this.rejectedVersions,
      mismatches: this.mismatches,
      rotationsUnfinished: this.rotationsUnfinished,
      connectionRetries: Object.fromEntries(this.#connectionRetries),
      reauthentications: Object.fromEntries(this.#reauthentications),
      fleet: { ...this.#fleet },
      refreshLatencyMs: { count: this.#latencyCount, p50: pct(50), p99: pct(99), last: this.#last },
    };
  }

  #hitRatio(): number {
    const reads = this.hits + this.misses;
    return reads === 0 ? 0 : this.hits / reads;
  }

  /**
   * Registers the OpenTelemetry instruments on `meter`, or on the global meter provider's
   * `@keyturn/core` meter (with this package's version) when `@opentelemetry/api` can be imported.
   * A no-op when it cannot.
   * @param states what the store holds, read when metrics are collected; the secrets it returns now
   *   are the "registered" ones of the `'registered'` policy
   * @returns whether instruments were registered
   */
  async enableOpenTelemetry(meter: MeterLike | undefined, states: () => MetricsSecretState[], options: MetricsOptions = {}): Promise<boolean> {
    if (this.#otel) return true;
    let m = meter;
    if (!m) {
      try {
        const api = await import('@opentelemetry/api');
        m = api.metrics.getMeter(KEYTURN_METER_NAME, VERSION) as unknown as MeterLike;
      } catch {
        return false;
      }
    }
    this.#perSecret = perSecretPolicy(options.secretAttributes ?? 'registered', states);
    const detachers: (() => void)[] = [];
    const observe = (inst: ObservableLike, cb: ObservableCallbackLike) => {
      inst.addCallback(cb);
      detachers.push(() => inst.removeCallback?.(cb));
    };
    observe(m.createObservableCounter('keyturn.cache.requests', { description: 'Reads of cached secrets, by result (hit: served from the cache; miss: nothing servable cached)', unit: '{request}' }), (r) => {
      r.observe(this.hits, { [A.cacheResult]: 'hit' });
      r.observe(this.misses, { [A.cacheResult]: 'miss' });
    });
    observe(m.createObservableGauge('keyturn.cache.hit_ratio', { description: 'Share of reads answered from the cache since start', unit: '1' }), (r) => r.observe(this.#hitRatio()));
    observe(m.createObservableCounter('keyturn.cache.stale_serves', { description: 'Reads served the last good value during a transient outage', unit: '{request}' }), (r) => r.observe(this.staleServes));
    observe(m.createObservableCounter('keyturn.cache.fallback_serves', { description: 'Reads served by a fallback source of a chain', unit: '{request}' }), (r) => r.observe(this.fallbackServes));
    observe(m.createObservableGauge('keyturn.secret.age', { description: 'Time since the served value was fetched', unit: 's' }), (r) => this.#observeAges(r, states, (s) => s.ageMs));
    observe(m.createObservableGauge('keyturn.secret.version.age', { description: 'Time since the served version was created in Secrets Manager', unit: 's' }), (r) =>
      this.#observeAges(r, states, (s) => (s.versionCreatedAt ? Date.now() - new Date(s.versionCreatedAt).getTime() : undefined)),
    );
    observe(m.createObservableGauge('keyturn.secret.state', { description: 'State of each reported secret: 1 for its current state, 0 for the others', unit: '1' }), (r) => {
      for (const s of primaryStates(states())) {
        if (!this.#perSecret(s.secretId)) continue;
        for (const st of SECRET_STATES) r.observe(s.state === st ? 1 : 0, { [A.secretId]: s.secretId, [A.secretState]: st });
      }
    });
    observe(m.createObservableGauge('keyturn.secrets', { description: 'Secrets held by the store, by state (every secret, reported one by one or not)', unit: '{secret}' }), (r) => {
      const counts = new Map<string, number>(SECRET_STATES.map((st) => [st, 0]));
      for (const s of primaryStates(states())) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
      for (const [st, n] of counts) r.observe(n, { [A.secretState]: st });
    });
    observe(m.createObservableGauge('keyturn.fleet.watcher.leader', { description: "1 while this instance's watcher holds the fleet's watcher lock, else 0", unit: '1' }), (r) => r.observe(this.#fleet.leader));
    this.#otel = {
      apiCalls: m.createCounter('keyturn.api.calls', { description: 'Calls to the secret source, by operation (rpc.method)', unit: '{call}' }),
      errors: m.createCounter('keyturn.errors', { description: 'Failed fetches and rejected versions, by error type', unit: '{error}' }),
      rotations: m.createCounter('keyturn.rotations', { description: 'New versions taken (AWSCURRENT moved and the value passed validation)', unit: '{rotation}' }),
      rejected: m.createCounter('keyturn.rotation.rejected_versions', { description: 'New versions that failed validation; the last good value stayed', unit: '{version}' }),
      mismatches: m.createCounter('keyturn.migration.mismatches', { description: 'Disagreements between the old source and Secrets Manager in migration mode', unit: '{mismatch}' }),
      rotationsUnfinished: m.createCounter('keyturn.rotation.unfinished', { description: 'Unfinished rotations seen: AWSPENDING authenticated while AWSCURRENT was rejected', unit: '{rotation}' }),
      replicaFetches: m.createCounter('keyturn.region.replica_fetches', { description: 'Answers served by a replica region because the primary region failed transiently, by cloud.region', unit: '{fetch}' }),
      connectionRetries: m.createCounter('keyturn.connection.auth_retries', { description: 'New connections the server rejected and that were retried with refreshed or AWSPENDING credentials', unit: '{retry}' }),
      reauthentications: m.createCounter('keyturn.connection.reauthentications', { description: 'Live connections authenticated again after a rotation, by outcome', unit: '{reauthentication}' }),
      fleetMessages: m.createCounter('keyturn.fleet.messages', { description: 'Invalidation messages of the fleet bus, by outcome (published, received, dropped, rate_limited, coalesced, refresh)', unit: '{message}' }),
      latency: m.createHistogram('keyturn.refresh.duration', { description: 'Duration of a fetch of one or more secrets', unit: 's', advice: { explicitBucketBoundaries: REFRESH_DURATION_BUCKETS } }),
      detach: () => detachers.forEach((d) => d()),
    };
    // Series of the reported secrets exist from the start at 0, so a rate() or an alert on them
    // sees the first increment (a counter series that appears at 1 hides it).
    const ids = new Set(primaryStates(states()).map((s) => s.secretId).filter((id) => this.#perSecret(id)));
    for (const id of ids) for (const c of [this.#otel.rotations, this.#otel.rejected, this.#otel.rotationsUnfinished]) c.add(0, { [A.secretId]: id });
    return true;
  }

  /** One value per reported secret, and the largest of the others in one series without `keyturn.secret.id`. */
  #observeAges(r: { observe(value: number, attributes?: MetricAttributes): void }, states: () => MetricsSecretState[], ageMs: (s: MetricsSecretState) => number | undefined): void {
    let others: number | undefined;
    for (const s of primaryStates(states())) {
      const ms = ageMs(s);
      if (ms === undefined) continue;
      if (this.#perSecret(s.secretId)) r.observe(Math.max(0, ms) / 1000, { [A.secretId]: s.secretId });
      else others = Math.max(others ?? 0, ms);
    }
    if (others !== undefined) r.observe(others / 1000);
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

/** Entries reading AWSCURRENT (entries pinned to another stage or version would repeat the secret id). */
function primaryStates(states: MetricsSecretState[]): MetricsSecretState[] {
  return states.filter((s) => s.versionStage === undefined && s.requestedVersionId === undefined);
}

function perSecretPolicy(policy: SecretAttributesPolicy, states: () => MetricsSecretState[]): (secretId: string) => boolean {
  if (typeof policy === 'function') return policy;
  if (policy === 'all') return () => true;
  if (policy === 'none') return () => false;
  const registered = new Set(states().map((s) => s.secretId));
  return (secretId) => registered.has(secretId);
}
