import type { KeyturnError } from '../errors/keyturn.error.js';
import { SecretNotLoadedError } from '../errors/secret-not-loaded.error.js';
import { SecretsStartupError } from '../errors/secrets-startup.error.js';
import { describeMismatch, summarizeMismatch, type SecretMismatch } from '../migration/secret-mismatch.js';
import type { ConnectionMetricEvent, FleetMetricEvent, MetricsSnapshot } from '../observability/metrics.js';
import { parseSecretRef, type SecretRef } from '../refs/secret-ref.js';
import { isCurrentRequest, type SecretFetchResult, type SecretRequest } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretValue } from '../values/secret-value.js';
import { RefreshScheduler } from './refresh-scheduler.js';
import { SecretRotationEvent } from './rotation-event.js';
import { bindingMatches, computeAll, createBinding, hookFailure, initBinding, type Binding } from './secret-binding.js';
import { StoreSecretEntry } from './secret-entry.js';
import { SecretFetcher } from './secret-fetcher.js';
import { SecretRecord } from './secret-record.js';
import { transition, type SecretEffect, type SecretEvent } from './secret-transition.js';
import { SECRET_STORE_DEFAULTS } from './store.defaults.js';
import { StoreNotifier, type Listener } from './store-notifier.js';
import type { RotationEvent, SecretDefinitionInput, SecretEntry, SecretState, SecretStoreEvents, SecretStoreOptions } from './store.types.js';

export { SECRET_STORE_DEFAULTS } from './store.defaults.js';

/** Rotation-aware lookups wait this long after a new version is taken, then go out together. */
const DESCRIBE_DELAY_MS = 10_000;
const DESCRIBE_CONCURRENCY = 4;

/**
 * The cache, as a facade over one part per job: records indexed by key and by secret id (this
 * class), the state machine ({@link transition}), the {@link RefreshScheduler} (timers, windows,
 * backoff, invalidation), the {@link SecretFetcher} (source, batching, single-flight, timeouts)
 * and the {@link StoreNotifier} (events, audit, logs, metrics). Reads are synchronous and never
 * wait on the source once a secret is loaded.
 */
export class SecretStore {
  readonly #options: SecretStoreOptions;
  readonly #records = new Map<string, SecretRecord>();
  readonly #bySecretId = new Map<string, Set<SecretRecord>>();
  readonly #notifier: StoreNotifier;
  readonly #fetcher: SecretFetcher;
  readonly #scheduler: RefreshScheduler<SecretRecord>;
  readonly #toDescribe = new Set<SecretRecord>();
  /** The last AWSPENDING version read per secret (by fetchVersion), named in unfinished-rotation reports. */
  readonly #pendingRead = new Map<string, string>();
  /** Invalidated records waiting for their fetch to start, and what to settle when it ends. */
  readonly #invalidated = new Map<SecretRecord, () => void>();
  readonly #invalidatedDone = new Map<SecretRecord, Promise<void>>();
  #describeTimer?: ReturnType<typeof setTimeout>;
  #otel = false;

  constructor(options: SecretStoreOptions = {}) {
    this.#options = options;
    this.#notifier = new StoreNotifier(options);
    this.#fetcher = new SecretFetcher(
      { sources: options.sources, timeoutMs: options.fetchTimeoutMs ?? SECRET_STORE_DEFAULTS.fetchTimeoutMs, onMismatch: (m) => this.#mismatch(m) },
      this.#notifier,
    );
    this.#scheduler = new RefreshScheduler<SecretRecord>({
      jitter: options.refreshJitter ?? SECRET_STORE_DEFAULTS.refreshJitter,
      backoff: { ...SECRET_STORE_DEFAULTS.backoff, ...(options.backoff ?? {}) },
      windowMs: options.refreshWindowMs ?? SECRET_STORE_DEFAULTS.refreshWindowMs,
      random: () => this.#random(),
      onDue: (records) => void this.#fetch(records),
      onStaleExpired: (record) => void this.#step(record, { type: 'stale-expired', now: Date.now() }, 0),
    });
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers a secret. The reference is parsed now (a malformed one throws
   * InvalidSecretReferenceError). Registering the same reference again shares the cache record and
   * refresh loop; registering an identical definition again returns the same entry.
   */
  register<T = SecretValue>(def: SecretDefinitionInput<T>): SecretEntry<T> {
    return this.#register(def).entry;
  }

  #register<T>(def: SecretDefinitionInput<T>): { record: SecretRecord; binding: Binding<T>; entry: StoreSecretEntry<T> } {
    const ref = parseSecretRef(def.ref);
    const request = requestOf(ref);
    const key = SecretRecord.keyOf(request);
    let record = this.#records.get(key);
    const isNew = !record;
    if (!record) {
      record = new SecretRecord(key, request, def.ttlMs ?? this.#options.ttlMs ?? SECRET_STORE_DEFAULTS.ttlMs);
      this.#records.set(key, record);
      let same = this.#bySecretId.get(request.secretId);
      if (!same) this.#bySecretId.set(request.secretId, (same = new Set()));
      same.add(record);
    } else if (def.ttlMs !== undefined && def.ttlMs < record.ttlMs) {
      record.ttlMs = def.ttlMs;
    }
    const required = def.required ?? true;
    record.required ||= required;
    let binding = record.bindings.find((b) => bindingMatches(b, ref, def as SecretDefinitionInput<unknown>, required)) as Binding<T> | undefined;
    if (!binding) {
      binding = createBinding(ref, def, required);
      binding.entry = new StoreSecretEntry(record, binding, this.#notifier.metrics);
      record.bindings.push(binding as Binding);
      const r = record;
      const current = r.state.current;
      if (current) initBinding(r.secretId, binding as Binding, current, () => r.state.current === current);
      else if (isNew && this.#scheduler.running) void this.#fetch([record]);
    }
    return { record, binding, entry: binding.entry as StoreSecretEntry<T> };
  }

  /**
   * Registers and loads a secret on demand (per-tenant secrets): concurrent calls for the same
   * cold secret share one fetch, and cold secrets requested in the same tick share one source call.
   * @throws the classified error when it cannot be loaded
   */
  async load<T = SecretValue>(def: SecretDefinitionInput<T>): Promise<SecretEntry<T>> {
    const { record, binding, entry } = this.#register(def);
    this.#scheduler.start();
    const metrics = this.#notifier.metrics;
    if (record.servable) metrics.hits++;
    else {
      metrics.misses++;
      if (!record.state.current || record.state.status === 'failed') await this.#fetch([record]);
    }
    if (binding.ready) await binding.ready;
    const s = record.state;
    if (s.status === 'failed' && s.lastError) throw s.lastError;
    if (binding.error) throw binding.error;
    if (!record.servable || binding.versionId !== s.current?.versionId) {
      throw s.lastError ?? new SecretNotLoadedError(`Secret "${entry.secretId}" could not be loaded`, { secretId: entry.secretId, code: 'NotLoaded' });
    }
    return entry;
  }

  /**
   * Loads everything registered and not loaded yet, in one batch, then keeps it refreshed in the
   * background. Calling it again loads what was registered since. With `startupJitterMs`, the first
   * call waits a random delay in [0, startupJitterMs] before its fetch.
   * @throws SecretsStartupError listing every required secret that could not be loaded (the store is stopped)
   */
  async start(): Promise<void> {
    const jitterMs = this.#options.startupJitterMs ?? SECRET_STORE_DEFAULTS.startupJitterMs;
    if (jitterMs > 0 && !this.#scheduler.running) {
      // Before the scheduler runs: a secret registered meanwhile waits for this fetch too.
      await new Promise((resolve) => setTimeout(resolve, Math.round(this.#random() * jitterMs)));
    }
    this.#scheduler.start();
    void this.#fetcher.source;
    if (!this.#otel && this.#options.metrics?.openTelemetry !== false) {
      this.#otel = true;
      await this.#notifier.metrics.enableOpenTelemetry(this.#options.metrics?.meter, () => this.states(), this.#options.metrics);
    }
    const records = [...this.#records.values()];
    await this.#fetch(records.filter((r) => !r.state.current));
    for (const r of records) for (const b of r.bindings) if (b.ready) await b.ready;
    const failures: { secretId: string; error: KeyturnError }[] = [];
    for (const r of records) {
      const s = r.state;
      for (const b of r.bindings) {
        if (r.servable && b.versionId === s.current?.versionId) continue;
        const error = s.lastError ?? b.error ?? new SecretNotLoadedError(`Secret "${r.secretId}" did not load`, { secretId: r.secretId, code: 'NotLoaded' });
        if (b.required) {
          if (!failures.some((f) => f.secretId === r.secretId && f.error === error)) failures.push({ secretId: r.secretId, error });
        } else {
          this.#notifier.log('warn', `Optional secret "${r.secretId}" is not available (${error.code ?? error.name}); retrying in the background`, { secretId: r.secretId, code: error.code });
        }
      }
    }
    if (failures.length > 0) {
      await this.stop();
      throw new SecretsStartupError(failures);
    }
    // Records loaded before start() (a provider factory's first read) are planned now.
    for (const r of records) if (!r.slot && !r.inflight && !r.evicted) this.#planIdle(r);
  }

  /** Clears timers, forgets observers and destroys the sources the store created. */
  async stop(): Promise<void> {
    this.#scheduler.stop();
    for (const r of this.#records.values()) r.slot = undefined;
    if (this.#describeTimer) clearTimeout(this.#describeTimer);
    this.#describeTimer = undefined;
    this.#toDescribe.clear();
    for (const r of [...this.#invalidated.keys()]) this.#settleInvalidation(r);
    this.#otel = false;
    this.#notifier.metrics.disableOpenTelemetry();
    await this.#fetcher.destroy();
  }

  // ---------------------------------------------------------------- reads outside the cache

  /**
   * Forces a fetch of every entry of `secretId` (used after an authentication failure).
   * Without `force`, a secret fetched less than `minRefreshIntervalMs` ago is not fetched again.
   * @throws the classified error when the fetch failed
   */
  async refresh(secretId: string, opts: { force?: boolean } = {}): Promise<{ changed: boolean; versionId?: string }> {
    const same = this.#bySecretId.get(secretId);
    if (!same || same.size === 0) {
      throw new SecretNotLoadedError(`Secret "${secretId}" is not registered with the store`, { secretId, code: 'NotRegistered', hint: 'store.register() or store.load() for this secret' });
    }
    const records = [...same];
    const primary = records.find((r) => isCurrentRequest(r.request)) ?? records[0];
    const before = primary.state.current?.versionId;
    const min = this.#options.minRefreshIntervalMs ?? SECRET_STORE_DEFAULTS.minRefreshIntervalMs;
    if (!opts.force && !primary.inflight && primary.lastAttemptAt !== undefined && Date.now() - primary.lastAttemptAt < min && !primary.state.lastFetchFailed) {
      return { changed: false, versionId: before };
    }
    await this.#fetch(records);
    const after = primary.state;
    if (after.lastFetchFailed && after.lastError) throw after.lastError;
    return { changed: after.current?.versionId !== before, versionId: after.current?.versionId };
  }

  /**
   * Marks the entries of `secretId` as out of date: they are fetched in the next turn of the event
   * loop, in one batch with anything else due, but without the secrets that are merely eligible
   * for their regular refresh (a fleet receiving the same message must not refresh everything at
   * once; the seam for push invalidation). Reads keep serving
   * the current value meanwhile. Entries with a fetch under way are not fetched again (that fetch
   * answers). Unknown ids, and a stopped store, are ignored.
   * @returns settles when the fetches it waits for have ended (whatever their outcome); callers
   *   that coalesce invalidations (the fleet bus) wait on it, others may ignore it
   */
  invalidate(secretId: string): Promise<void> {
    const same = this.#bySecretId.get(secretId);
    if (!same || !this.#scheduler.running) return Promise.resolve();
    const waits: Promise<void>[] = [];
    const idle: SecretRecord[] = [];
    for (const r of same) {
      if (r.inflight) {
        waits.push(r.inflight);
        continue;
      }
      idle.push(r);
      let done = this.#invalidatedDone.get(r);
      if (!done) {
        done = new Promise<void>((resolve) => this.#invalidated.set(r, resolve));
        this.#invalidatedDone.set(r, done);
      }
      waits.push(done);
    }
    this.#scheduler.invalidate(idle);
    return Promise.all(waits).then(() => undefined);
  }

  /** Settles the invalidation waiting on `r` once `flight` (its next fetch, or nothing) has ended. */
  #settleInvalidation(r: SecretRecord, flight?: Promise<void>): void {
    const resolve = this.#invalidated.get(r);
    if (!resolve) return;
    this.#invalidated.delete(r);
    this.#invalidatedDone.delete(r);
    if (flight) void flight.then(resolve, resolve);
    else resolve();
  }

  /** Reads a version by stage or id (AWSPENDING, AWSPREVIOUS) without caching it as current. Concurrent identical reads share one fetch. */
  async fetchVersion(secretId: string, opts: { versionStage?: string; versionId?: string }): Promise<SecretValue> {
    const value = await this.#fetcher.fetchVersion(requestOf(parseSecretRef({ secretId, versionStage: opts.versionStage, versionId: opts.versionId })));
    if (opts.versionStage === 'AWSPENDING') this.#pendingRead.set(secretId, value.versionId);
    return value;
  }

  /**
   * Reports that AWSPENDING of `secretId` authenticated where its AWSCURRENT was rejected: a rotation
   * changed the credentials (setSecret) and did not finish, so AWSPENDING holds the only working copy.
   * The connection helpers call it; it becomes a metric, an audit record, a warning naming the way
   * out, a `rotationUnfinished` event, and `rotationUnfinished` in the secret's state (degraded in
   * health) until AWSCURRENT moves. Repeated reports for the same versions count once.
   */
  reportRotationUnfinished(secretId: string): void {
    const request = requestOf(parseSecretRef(secretId));
    // Not registered: reported all the same, with nothing to keep it in.
    const r = this.#records.get(SecretRecord.keyOf(request)) ?? new SecretRecord(SecretRecord.keyOf(request), request, 0);
    void this.#step(r, { type: 'rotation-unfinished', pendingVersionId: this.#pendingRead.get(secretId), source: this.#fetcher.source.name, now: Date.now() }, 0);
  }

  /**
   * Counts a connection event of the TypeORM / ioredis integrations (an authentication retry, a live
   * re-authentication after a rotation) in the store's metrics.
   */
  reportConnectionEvent(event: ConnectionMetricEvent): void {
    this.#notifier.metrics.connection(event);
  }

  /** Counts a fleet event (bus messages, watcher leadership; see `attachInvalidationBus`) in the store's metrics. */
  reportFleetEvent(event: FleetMetricEvent): void {
    this.#notifier.metrics.fleet(event);
  }

  /** Drops the cached entries of `secretId` (their entries then throw SecretNotLoadedError). O(entries of that secret). */
  evict(secretId: string): void {
    const same = this.#bySecretId.get(secretId);
    if (!same) return;
    this.#bySecretId.delete(secretId);
    this.#pendingRead.delete(secretId);
    for (const r of same) {
      r.evicted = true;
      this.#records.delete(r.key);
      this.#toDescribe.delete(r);
      this.#settleInvalidation(r);
      void this.#step(r, { type: 'evicted' }, 0);
    }
  }

  /** States of every cached entry, or of one secret's entries. */
  states(secretId?: string): SecretState[] {
    const now = Date.now();
    const records = secretId === undefined ? this.#records.values() : (this.#bySecretId.get(secretId) ?? []);
    return Array.from(records, (r) => r.view(now));
  }

  metrics(): MetricsSnapshot {
    return this.#notifier.metrics.snapshot();
  }

  /** Subscribes to `rotation`, `rejected`, `error`, `state`, `mismatch` or `rotationUnfinished` events; returns an unsubscribe function. */
  on<E extends keyof SecretStoreEvents>(event: E, listener: Listener<E>): () => void {
    return this.#notifier.on(event, listener);
  }

  // ---------------------------------------------------------------- internals

  #random(): number {
    return (this.#options.random ?? Math.random)();
  }

  /** Fetches records; records with a fetch under way are joined, not fetched twice. */
  async #fetch(records: readonly SecretRecord[]): Promise<void> {
    const flights: Promise<void>[] = [];
    for (const r of records) {
      if (r.evicted) continue;
      if (!r.inflight) {
        const flight = this.#fetchOne(r).finally(() => {
          if (r.inflight === flight) r.inflight = undefined;
        });
        r.inflight = flight;
        this.#settleInvalidation(r, flight);
      }
      flights.push(r.inflight);
    }
    await Promise.all(flights);
  }

  async #fetchOne(r: SecretRecord): Promise<void> {
    this.#scheduler.cancel(r);
    r.lastAttemptAt = Date.now();
    const { result, latencyMs } = await this.#fetcher.fetch(r.request);
    try {
      if (!r.evicted) await this.#step(r, this.#eventOf(result), latencyMs);
    } catch (err) {
      // A listener or sink threw; the cache stays consistent, say so without details that could hold values.
      this.#notifier.log('error', `Secret "${r.secretId}": internal error while applying a fetch result (${(err as Error)?.name ?? 'Error'})`, { secretId: r.secretId });
    }
  }

  #eventOf(result: SecretFetchResult): SecretEvent {
    const now = Date.now();
    if (result.ok) {
      if (result.replica) this.#notifier.metrics.replicaFetch(result.replica.region);
      return { type: 'fetched', value: result.value, fallback: result.fallback === true, ...(result.replica ? { replica: result.replica } : {}), now };
    }
    return { type: 'fetch-failed', error: result.error, source: this.#fetcher.source.name, now };
  }

  /** Applies one event: the transition decides, this runs its effects. */
  async #step(r: SecretRecord, event: SecretEvent, latencyMs: number, computed?: { bindings: Binding[]; values: unknown[] }): Promise<void> {
    const before = r.state.status;
    const next = transition(r.state, event, { secretId: r.secretId, staleIfErrorMs: this.#options.staleIfErrorMs ?? SECRET_STORE_DEFAULTS.staleIfErrorMs });
    r.state = next.state;
    if (before !== next.state.status && this.#notifier.wants('state')) this.#notifier.emit('state', r.view(Date.now()));
    for (const effect of next.effects) {
      if (effect.type === 'compute') {
        const bindings = [...r.bindings];
        const out = await computeAll(bindings, effect.value);
        if (r.evicted) return;
        const now = Date.now();
        if (out.ok) await this.#step(r, { type: 'computed', value: effect.value, fallback: effect.fallback, replica: effect.replica, now }, latencyMs, { bindings, values: out.values });
        else await this.#step(r, { type: 'hook-failed', value: effect.value, fallback: effect.fallback, replica: effect.replica, error: hookFailure(r.secretId, out.binding, out.reason), now }, latencyMs);
        return;
      }
      this.#run(r, effect, latencyMs, computed);
    }
  }

  #run(r: SecretRecord, effect: Exclude<SecretEffect, { type: 'compute' }>, latencyMs: number, computed?: { bindings: Binding[]; values: unknown[] }): void {
    const n = this.#notifier;
    const secretId = r.secretId;
    switch (effect.type) {
      case 'commit': {
        const { value } = effect;
        computed?.bindings.forEach((b, i) => {
          b.value = computed.values[i];
          b.versionId = value.versionId;
          b.error = undefined;
        });
        // Bindings registered while the hooks ran compute on the new version now.
        for (const b of r.bindings) if (b.versionId !== value.versionId) initBinding(secretId, b, value, () => r.state.current === value);
        r.rotationAt = undefined;
        this.#watchRotation(r);
        return;
      }
      case 'rotated': {
        n.metrics.rotation(secretId);
        const base = { secretId, previousVersionId: effect.previous.versionId, versionId: effect.value.versionId, stage: r.stage, at: new Date() };
        n.emit('rotation', new SecretRotationEvent(base, effect.value));
        for (const b of computed?.bindings ?? r.bindings) {
          if (b.listeners.size === 0) continue;
          const ev = new SecretRotationEvent(base, b.value);
          for (const l of b.listeners) n.safely(() => l(ev as RotationEvent<unknown>));
        }
        return;
      }
      case 'schedule-refresh':
        this.#scheduler.planRefresh(r, effect.from);
        if (r.rotationAt !== undefined && r.rotationAt > Date.now()) this.#scheduler.planAt(r, r.rotationAt);
        // Served by a replica region: fetch again when the source asks the primary again.
        if (effect.primaryAt !== undefined) this.#scheduler.planAt(r, effect.primaryAt);
        return;
      case 'schedule-retry':
        this.#scheduler.planRetry(r, effect.attempt);
        return;
      case 'arm-stale-expiry':
        this.#scheduler.armStaleExpiry(r, effect.at);
        return;
      case 'disarm-stale-expiry':
        this.#scheduler.disarmStaleExpiry(r);
        return;
      case 'cancel-schedule':
        this.#scheduler.cancel(r);
        return;
      case 'audit':
        n.audit({ stage: r.stage, ...effect.fields, secretId, latencyMs });
        return;
      case 'log':
        n.log(effect.level, effect.message, { secretId, ...effect.context });
        return;
      case 'count-error':
        n.metrics.error(effect.code, secretId);
        return;
      case 'count-rejected':
        n.metrics.rejected(secretId);
        return;
      case 'emit-error':
        n.emit('error', { secretId, error: effect.error, state: r.state.status, at: new Date() });
        return;
      case 'emit-rejected':
        n.emit('rejected', { secretId, versionId: effect.versionId, keptVersionId: effect.keptVersionId, reason: effect.reason, at: new Date() });
        return;
      case 'count-rotation-unfinished':
        n.metrics.rotationUnfinished(secretId);
        return;
      case 'emit-rotation-unfinished':
        n.emit('rotationUnfinished', { secretId, currentVersionId: effect.currentVersionId, pendingVersionId: effect.pendingVersionId, at: new Date(effect.at) });
        // The state's status is unchanged, but what health shows of it did change.
        if (n.wants('state') && this.#records.get(r.key) === r) n.emit('state', r.view(Date.now()));
        return;
    }
  }

  /** Migration mode: a mismatch becomes a metric, an audit record, a warning and a `mismatch` event. */
  #mismatch(m: SecretMismatch): void {
    const n = this.#notifier;
    n.metrics.mismatch(m.secretId);
    const served = m.served === 'old' ? { source: m.oldSource, versionId: m.oldVersionId } : { source: m.newSource, versionId: m.newVersionId };
    const detail = summarizeMismatch(m);
    n.audit({ type: 'mismatch', secretId: m.secretId, ...served, stage: m.stage, outcome: 'failure', latencyMs: 0, mismatch: detail });
    n.log('warn', describeMismatch(m), { secretId: m.secretId, keyPaths: detail.keyPaths, oldVersionId: m.oldVersionId, newVersionId: m.newVersionId });
    n.emit('mismatch', m);
  }

  /** Plans a record that has no plan and no fetch under way (loaded before start, or stopped and started again). */
  #planIdle(r: SecretRecord): void {
    const s = r.state;
    if (s.lastFetchFailed || s.fetchedAt === undefined) this.#scheduler.planRetry(r, Math.max(0, s.failures - 1));
    else this.#scheduler.planRefresh(r, s.fetchedAt);
  }

  /**
   * Rotation-aware timing: a little after a new version of a current secret is taken, ask the source
   * when its next rotation is scheduled, and refresh shortly after that moment if it comes before
   * the regular refresh. Lookups wait a few seconds and then go out together, a few at a time.
   */
  #watchRotation(r: SecretRecord): void {
    if (this.#options.rotationAware === false || !isCurrentRequest(r.request) || !this.#scheduler.running) return;
    this.#toDescribe.add(r);
    if (this.#describeTimer) return;
    this.#describeTimer = setTimeout(() => {
      this.#describeTimer = undefined;
      void this.#describeAll();
    }, DESCRIBE_DELAY_MS);
    this.#describeTimer.unref?.();
  }

  async #describeAll(): Promise<void> {
    const queue = [...this.#toDescribe];
    this.#toDescribe.clear();
    const delay = this.#options.rotationRefreshDelayMs ?? SECRET_STORE_DEFAULTS.rotationRefreshDelayMs;
    const worker = async (): Promise<void> => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        if (r.evicted || !this.#scheduler.running) continue;
        const version = r.state.current?.versionId;
        const next = await this.#fetcher.nextRotation(r.secretId);
        if (!next || r.evicted || r.state.current?.versionId !== version || !this.#scheduler.running) continue;
        r.rotationAt = next.getTime() + delay * (1 + 0.5 * this.#random());
        if (r.rotationAt > Date.now() && !r.inflight) this.#scheduler.planAt(r, r.rotationAt);
      }
    };
    await Promise.all(Array.from({ length: DESCRIBE_CONCURRENCY }, worker));
  }

  toJSON(): Record<string, unknown> {
    return { secrets: this.states(), running: this.#scheduler.running };
  }

  toString(): string {
    return `SecretStore(${this.#records.size} secrets, ${this.#scheduler.running ? 'running' : 'stopped'})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

function requestOf(ref: SecretRef): SecretRequest {
  const request: SecretRequest = { secretId: ref.secretId };
  if (ref.versionStage) request.versionStage = ref.versionStage;
  if (ref.versionId) request.versionId = ref.versionId;
  return request;
}
