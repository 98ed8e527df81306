import { setMaxListeners } from 'node:events';
import { classifyError } from '../errors/classify-error.js';
import { wrapHookFailure } from '../errors/hook-failure.js';
import type { KeyturnError } from '../errors/keyturn.error.js';
import { SecretNotLoadedError } from '../errors/secret-not-loaded.error.js';
import { SecretUnavailableError } from '../errors/secret-unavailable.error.js';
import { SecretsStartupError } from '../errors/secrets-startup.error.js';
import type { AuditEvent } from '../observability/audit.js';
import { describeMismatch, type SecretMismatch } from '../migration/secret-mismatch.js';
import { MetricsRecorder, type ConnectionMetricEvent, type MetricsSnapshot } from '../observability/metrics.js';
import { parseSecretRef, type SecretRef } from '../refs/secret-ref.js';
import { AwsSecretsManagerSource } from '../sources/aws-secrets-manager.source.js';
import { ChainSource } from '../sources/chain.source.js';
import { describeVersion, type SecretFetchResult, type SecretRequest, type SecretSource } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretValue } from '../values/secret-value.js';
import { SecretRotationEvent } from './rotation-event.js';
import { StoreSecretEntry } from './secret-entry.js';
import { SecretRecord, type Binding } from './secret-record.js';
import type { RotationEvent, SecretDefinitionInput, SecretEntry, SecretState, SecretStatus, SecretStoreEvents, SecretStoreOptions } from './store.types.js';
import { backoffDelay, MAX_TIMER_MS, refreshDelay } from './timing.js';

/** Defaults of {@link SecretStoreOptions}. */
export const SECRET_STORE_DEFAULTS = {
  ttlMs: 3_600_000,
  staleIfErrorMs: 86_400_000,
  refreshJitter: [0.5, 1] as const,
  backoff: { initialMs: 1000, maxMs: 120_000 },
  fetchTimeoutMs: 30_000,
  minRefreshIntervalMs: 1000,
} satisfies Partial<SecretStoreOptions>;

type Listener<E extends keyof SecretStoreEvents> = (event: SecretStoreEvents[E]) => void;

const isPromise = <T>(x: unknown): x is Promise<T> => typeof (x as { then?: unknown } | null)?.then === 'function';

/**
 * The cache: registers secrets, loads them in batches at start-up, refreshes them in the background
 * (jittered in [TTL/2, TTL], with backoff after errors), serves them synchronously, keeps the last
 * good value on transient failures (bounded) and on rejected versions, and reports all of it as
 * states, events, metrics and audit records.
 */
export class SecretStore {
  readonly #options: SecretStoreOptions;
  readonly #records = new Map<string, SecretRecord>();
  readonly #metrics = new MetricsRecorder();
  readonly #listeners: { [E in keyof SecretStoreEvents]: Set<Listener<E>> } = { rotation: new Set(), rejected: new Set(), error: new Set(), state: new Set(), mismatch: new Set(), rotationUnfinished: new Set() };
  /** The last AWSPENDING version read per secret (by fetchVersion), for unfinished-rotation reports. */
  readonly #pendingRead = new Map<string, string>();
  readonly #versionFlights = new Map<string, Promise<SecretValue>>();
  readonly #due = new Set<SecretRecord>();
  #flushQueued = false;
  #source?: SecretSource;
  #ownsSource = false;
  #unobserve?: () => void;
  #running = false;

  constructor(options: SecretStoreOptions = {}) {
    this.#options = options;
  }

  // ---------------------------------------------------------------- registration

  /**
   * Registers a secret. The reference is parsed now (a malformed one throws
   * InvalidSecretReferenceError). Registering the same reference again returns an entry sharing
   * the same cache record and refresh loop.
   */
  register<T = SecretValue>(def: SecretDefinitionInput<T>): SecretEntry<T> {
    return this.#register(def).entry;
  }

  #register<T>(def: SecretDefinitionInput<T>): { record: SecretRecord; binding: Binding<T>; entry: SecretEntry<T> } {
    const ref = parseSecretRef(def.ref);
    const request = this.#requestOf(ref);
    const key = SecretRecord.keyOf(request);
    let record = this.#records.get(key);
    const isNew = !record;
    if (!record) {
      record = new SecretRecord(key, request, def.ttlMs ?? this.#ttl());
      this.#records.set(key, record);
    } else if (def.ttlMs !== undefined && def.ttlMs < record.ttlMs) {
      record.ttlMs = def.ttlMs;
    }
    const required = def.required ?? true;
    record.required ||= required;
    const binding: Binding<T> = { ref, required, compute: this.#hook(ref, def), listeners: new Set() };
    record.bindings.add(binding as Binding);
    if (record.current) this.#initBinding(record, binding as Binding);
    else if (isNew && this.#running) this.#enqueue(record);
    return { record, binding, entry: new StoreSecretEntry(record, binding, this.#metrics) };
  }

  /**
   * Registers and loads a secret on demand (per-tenant secrets): concurrent calls for the same
   * cold secret share one fetch.
   * @throws the classified error when it cannot be loaded
   */
  async load<T = SecretValue>(def: SecretDefinitionInput<T>): Promise<SecretEntry<T>> {
    const { record, binding, entry } = this.#register(def);
    this.#running = true;
    if (record.servable) this.#metrics.hits++;
    else {
      this.#metrics.misses++;
      if (!record.current || record.status === 'failed') await this.#fetch([record]);
    }
    if (binding.ready) await binding.ready;
    if (record.status === 'failed' && record.lastError) throw record.lastError;
    if (binding.error) throw binding.error;
    if (!record.servable || binding.versionId !== record.current?.versionId) {
      throw record.lastError ?? new SecretNotLoadedError(`Secret "${entry.secretId}" could not be loaded`, { secretId: entry.secretId, code: 'NotLoaded' });
    }
    return entry;
  }

  /**
   * Loads everything registered (batched), then keeps it refreshed in the background.
   * @throws SecretsStartupError listing every required secret that could not be loaded (the store is stopped)
   */
  async start(): Promise<void> {
    this.#running = true;
    this.#getSource();
    if (this.#options.metrics?.openTelemetry !== false) {
      await this.#metrics.enableOpenTelemetry(this.#options.metrics?.meter, () => this.states(), this.#options.metrics);
    }
    const records = [...this.#records.values()];
    await this.#fetch(records.filter((r) => !r.current));
    for (const r of records) for (const b of r.bindings) if (b.ready) await b.ready;
    const failures: { secretId: string; error: KeyturnError }[] = [];
    for (const r of records) {
      for (const b of r.bindings) {
        if (r.servable && b.versionId === r.current?.versionId) continue;
        const error = r.lastError ?? b.error ?? new SecretNotLoadedError(`Secret "${r.request.secretId}" did not load`, { secretId: r.request.secretId, code: 'NotLoaded' });
        if (b.required) {
          if (!failures.some((f) => f.secretId === r.request.secretId && f.error === error)) failures.push({ secretId: r.request.secretId, error });
        } else {
          this.#log('warn', `Optional secret "${r.request.secretId}" is not available (${error.code ?? error.name}); retrying in the background`, { secretId: r.request.secretId, code: error.code });
        }
      }
    }
    if (failures.length > 0) {
      await this.stop();
      throw new SecretsStartupError(failures);
    }
    // Entries loaded before start() (refresh(), a provider factory's first read) were not scheduled then.
    for (const r of this.#records.values()) this.#scheduleIdle(r);
  }

  /** Clears timers, forgets observers and destroys the sources the store created. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#due.clear();
    for (const r of this.#records.values()) {
      r.clearTimers();
      r.nextRefreshAt = undefined;
    }
    this.#metrics.disableOpenTelemetry();
    this.#unobserve?.();
    this.#unobserve = undefined;
    const source = this.#source;
    this.#source = undefined;
    if (source && this.#ownsSource) await source.destroy?.();
  }

  // ---------------------------------------------------------------- reads outside the cache

  /**
   * Forces a fetch of every entry of `secretId` (used after an authentication failure).
   * Without `force`, a secret fetched less than `minRefreshIntervalMs` ago is not fetched again.
   * @throws the classified error when the fetch failed
   */
  async refresh(secretId: string, opts: { force?: boolean } = {}): Promise<{ changed: boolean; versionId?: string }> {
    const records = [...this.#records.values()].filter((r) => r.request.secretId === secretId);
    if (records.length === 0) {
      throw new SecretNotLoadedError(`Secret "${secretId}" is not registered with the store`, { secretId, code: 'NotRegistered', hint: 'store.register() or store.load() for this secret' });
    }
    const primary = records.find((r) => !r.request.versionStage && !r.request.versionId) ?? records[0];
    const before = primary.current?.versionId;
    const now = Date.now();
    const min = this.#options.minRefreshIntervalMs ?? SECRET_STORE_DEFAULTS.minRefreshIntervalMs;
    if (!opts.force && !primary.inflight && primary.lastAttemptAt !== undefined && now - primary.lastAttemptAt < min && !primary.lastFetchFailed) {
      return { changed: false, versionId: before };
    }
    await this.#fetch(records);
    if (primary.lastFetchFailed && primary.lastError) throw primary.lastError;
    return { changed: primary.current?.versionId !== before, versionId: primary.current?.versionId };
  }

  /** Reads a version by stage or id (AWSPENDING, AWSPREVIOUS) without caching it as current. Concurrent identical reads share one fetch. */
  async fetchVersion(secretId: string, opts: { versionStage?: string; versionId?: string }): Promise<SecretValue> {
    const ref = parseSecretRef({ secretId, versionStage: opts.versionStage, versionId: opts.versionId });
    const request = this.#requestOf(ref);
    const key = SecretRecord.keyOf(request);
    let flight = this.#versionFlights.get(key);
    if (!flight) {
      flight = this.#fetchOne(request).finally(() => this.#versionFlights.delete(key));
      this.#versionFlights.set(key, flight);
    }
    const value = await flight;
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
    const r = this.#records.get(SecretRecord.keyOf(this.#requestOf(parseSecretRef(secretId))));
    const currentVersionId = r?.current?.versionId;
    const pendingVersionId = this.#pendingRead.get(secretId);
    const known = r?.rotationUnfinished;
    if (known && known.currentVersionId === currentVersionId && known.pendingVersionId === pendingVersionId) return;
    const now = Date.now();
    if (r) r.rotationUnfinished = { currentVersionId, pendingVersionId, since: now };
    this.#metrics.rotationUnfinished(secretId);
    this.#audit({ type: 'rotation-unfinished', secretId, versionId: pendingVersionId, stage: 'AWSPENDING', source: this.#getSource().name, outcome: 'failure', latencyMs: 0 });
    this.#log(
      'warn',
      `Rotation of secret "${secretId}" is unfinished: AWSPENDING${pendingVersionId ? ` (version ${pendingVersionId})` : ''} authenticates where AWSCURRENT${currentVersionId ? ` (version ${currentVersionId})` : ''} is rejected, so AWSPENDING holds the working credentials; resume the rotation with its own token (keyturn secrets rotate ${secretId} --resume) and do not remove AWSPENDING`,
      { secretId, versionId: currentVersionId, pendingVersionId },
    );
    this.#emit('rotationUnfinished', { secretId, currentVersionId, pendingVersionId, at: new Date(now) });
    if (r && this.#listeners.state.size > 0) this.#emit('state', r.state(now));
  }

  /**
   * Counts a connection event of the TypeORM / ioredis integrations (an authentication retry, a live
   * re-authentication after a rotation) in the store's metrics.
   */
  reportConnectionEvent(event: ConnectionMetricEvent): void {
    this.#metrics.connection(event);
  }

  async #fetchOne(request: SecretRequest): Promise<SecretValue> {
    const started = performance.now();
    const [result] = await this.#callSource([request]);
    const latencyMs = performance.now() - started;
    this.#metrics.refreshLatency(latencyMs, 1);
    const stage = request.versionStage ?? (request.versionId ? undefined : 'AWSCURRENT');
    if (!result.ok) {
      this.#metrics.error(result.error.code ?? result.error.name, request.secretId);
      this.#audit({ type: 'error', secretId: request.secretId, stage, source: this.#getSource().name, outcome: 'failure', latencyMs, errorCode: result.error.code });
      throw result.error;
    }
    this.#audit({ type: 'load', secretId: request.secretId, versionId: result.value.versionId, stage, source: result.value.source, outcome: 'success', latencyMs });
    return result.value;
  }

  /** Drops the cached entries of `secretId` (their entries then throw SecretNotLoadedError). */
  evict(secretId: string): void {
    for (const [key, r] of this.#records) {
      if (r.request.secretId !== secretId) continue;
      r.clearTimers();
      this.#due.delete(r);
      r.evicted = true;
      r.status = 'pending';
      r.nextRefreshAt = undefined;
      this.#records.delete(key);
    }
  }

  states(): SecretState[] {
    const now = Date.now();
    return [...this.#records.values()].map((r) => r.state(now));
  }

  metrics(): MetricsSnapshot {
    return this.#metrics.snapshot();
  }

  /** Subscribes to `rotation`, `rejected`, `error` or `state` events; returns an unsubscribe function. */
  on<E extends keyof SecretStoreEvents>(event: E, listener: Listener<E>): () => void {
    const set = this.#listeners[event] as Set<Listener<E>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  // ---------------------------------------------------------------- internals

  #ttl(): number {
    return this.#options.ttlMs ?? SECRET_STORE_DEFAULTS.ttlMs;
  }

  #random(): number {
    return (this.#options.random ?? Math.random)();
  }

  #requestOf(ref: SecretRef): SecretRequest {
    const request: SecretRequest = { secretId: ref.secretId };
    if (ref.versionStage) request.versionStage = ref.versionStage;
    if (ref.versionId) request.versionId = ref.versionId;
    return request;
  }

  #getSource(): SecretSource {
    if (!this.#source) {
      const given = this.#options.sources;
      const list = given === undefined ? [] : Array.isArray(given) ? (given as readonly SecretSource[]) : [given as SecretSource];
      if (list.length === 0) {
        this.#source = new AwsSecretsManagerSource();
        this.#ownsSource = true;
      } else {
        this.#source = list.length === 1 ? list[0] : new ChainSource(list);
        this.#ownsSource = false;
      }
      this.#unobserve = this.#source.observe?.({ apiCall: (op) => this.#metrics.apiCall(op), mismatch: (m) => this.#mismatch(m) });
    }
    return this.#source;
  }

  #hook<T>(ref: SecretRef, def: SecretDefinitionInput<T>): (value: SecretValue) => T | Promise<T> {
    const { validate, transform } = def;
    const key = ref.jsonKey;
    return (value: SecretValue) => {
      if (key !== undefined) value.field(key);
      if (!validate && !transform) return value as unknown as T;
      // A validator written in plain JavaScript may return nothing: serve the SecretValue then.
      const finish = (validated: T | undefined): T | Promise<T> => (transform ? transform(value) : validated === undefined ? (value as unknown as T) : validated);
      if (!validate) return finish(undefined);
      const out = validate(value);
      return isPromise<T>(out) ? out.then(finish) : finish(out);
    };
  }

  /** Runs a late-registered binding's hook on the record's current version. */
  #initBinding(record: SecretRecord, b: Binding): void {
    const value = record.current as SecretValue;
    let out: unknown;
    try {
      out = b.compute(value);
    } catch (err) {
      b.error = this.#hookFailure(record, b, err);
      return;
    }
    if (isPromise(out)) {
      b.ready = out.then(
        (v) => {
          if (record.current === value) {
            b.value = v;
            b.versionId = value.versionId;
          }
        },
        (err) => {
          b.error = this.#hookFailure(record, b, err);
        },
      );
    } else {
      b.value = out;
      b.versionId = value.versionId;
    }
  }

  /** A binding's hook failure as a KeyturnError, at the reference's JSON key when it has one (see {@link wrapHookFailure}). */
  #hookFailure(record: SecretRecord, b: Binding, err: unknown): KeyturnError {
    return wrapHookFailure(record.request.secretId, err, { path: b.ref.jsonKey });
  }

  /** Queues a record for fetching; records queued in the same tick are fetched in one source call. */
  #enqueue(record: SecretRecord): void {
    this.#due.add(record);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    void Promise.resolve().then(() => {
      this.#flushQueued = false;
      const due = [...this.#due];
      this.#due.clear();
      if (this.#running && due.length > 0) void this.#fetch(due);
    });
  }

  /** Fetches records in one source call; records already being fetched are joined, not fetched twice. */
  async #fetch(records: readonly SecretRecord[]): Promise<void> {
    const todo = records.filter((r) => !r.inflight && !r.evicted);
    const joined = records.filter((r) => r.inflight).map((r) => r.inflight as Promise<void>);
    if (todo.length > 0) {
      const run = this.#runFetch(todo);
      for (const r of todo) r.inflight = run;
      joined.push(run);
    }
    await Promise.all(joined);
  }

  async #callSource(requests: SecretRequest[]): Promise<SecretFetchResult[]> {
    const source = this.#getSource();
    const timeout = this.#options.fetchTimeoutMs ?? SECRET_STORE_DEFAULTS.fetchTimeoutMs;
    try {
      const signal = AbortSignal.timeout(timeout);
      // One signal is shared by every SDK call of this fetch; each call adds an abort listener.
      setMaxListeners(requests.length + 16, signal);
      const results = await source.fetch(requests, { signal });
      if (results.length !== requests.length) throw new Error(`source ${source.name} answered ${results.length} of ${requests.length} requests`);
      return results;
    } catch (err) {
      return requests.map((request) => ({
        request,
        ok: false as const,
        error: classifyError(err, { secretId: request.secretId, source: source.name, version: describeVersion(request) }),
      }));
    }
  }

  async #runFetch(records: SecretRecord[]): Promise<void> {
    try {
      for (const r of records) {
        if (r.timer) clearTimeout(r.timer);
        r.timer = undefined;
        r.lastAttemptAt = Date.now();
      }
      const started = performance.now();
      const results = await this.#callSource(records.map((r) => r.request));
      const latencyMs = performance.now() - started;
      this.#metrics.refreshLatency(latencyMs, records.length);
      await Promise.all(records.map((r, i) => this.#apply(r, results[i], latencyMs)));
    } finally {
      for (const r of records) r.inflight = undefined;
    }
  }

  async #apply(r: SecretRecord, result: SecretFetchResult, latencyMs: number): Promise<void> {
    try {
      if (r.evicted) return;
      if (result.ok) await this.#applyValue(r, result.value, result.fallback === true, latencyMs);
      else this.#applyError(r, result.error, latencyMs);
    } catch (err) {
      // A listener or sink threw; the cache stays consistent, say so without details that could hold values.
      this.#log('error', `Secret "${r.request.secretId}": internal error while applying a fetch result (${(err as Error)?.name ?? 'Error'})`, { secretId: r.request.secretId });
    }
  }

  #stage(r: SecretRecord): string {
    return r.request.versionStage ?? (r.request.versionId ? 'VERSION' : 'AWSCURRENT');
  }

  async #applyValue(r: SecretRecord, value: SecretValue, fallback: boolean, latencyMs: number): Promise<void> {
    const id = r.request.secretId;
    const stage = this.#stage(r);
    const now = Date.now();
    const previous = r.current;
    const okStatus: SecretStatus = fallback ? 'fallback' : 'fresh';
    if (previous && previous.versionId === value.versionId && previous.source === value.source && r.status !== 'pending') {
      // Same version: immutable, so nothing is parsed or validated again.
      this.#succeeded(r, now, okStatus);
      this.#audit({ type: 'refresh', secretId: id, versionId: value.versionId, stage, source: value.source, outcome: 'unchanged', latencyMs });
      return;
    }
    if (r.rejectedVersionId === value.versionId) {
      // Still the version we rejected: do not re-run the hook. With a last good value, keep serving
      // it; without one, stay failed and keep retrying until a new version appears.
      this.#audit({ type: 'refresh', secretId: id, versionId: value.versionId, stage, source: value.source, outcome: 'unchanged', latencyMs });
      if (previous) this.#succeeded(r, now, okStatus, false);
      else {
        r.failures++;
        this.#scheduleRetry(r);
      }
      return;
    }
    const bindings = [...r.bindings];
    const settled = await Promise.allSettled(bindings.map(async (b) => b.compute(value)));
    const failedAt = settled.findIndex((s) => s.status === 'rejected');
    if (r.evicted) return;
    if (failedAt >= 0) {
      const error = this.#hookFailure(r, bindings[failedAt], (settled[failedAt] as PromiseRejectedResult).reason);
      this.#metrics.error(error.code ?? error.name, id);
      this.#metrics.rejected(id);
      if (!previous || r.status === 'pending') {
        r.rejectedVersionId = value.versionId;
        r.rejectionReason = error.message;
        r.lastError = error;
        r.lastFetchFailed = true;
        r.failures++;
        this.#setStatus(r, 'failed');
        this.#audit({ type: 'rejected', secretId: id, versionId: value.versionId, stage, source: value.source, outcome: 'failure', latencyMs, errorCode: error.code });
        this.#emit('error', { secretId: id, error, state: r.status, at: new Date(now) });
        // The error's message names the secret and what failed; the line adds the version.
        this.#log('error', `${error.message}${error.message.includes(value.versionId) ? '' : ` (version ${value.versionId})`}; retrying`, { secretId: id, versionId: value.versionId, code: error.code });
        this.#scheduleRetry(r);
        return;
      }
      r.rejectedVersionId = value.versionId;
      r.rejectionReason = error.message;
      this.#succeeded(r, now, okStatus, false);
      this.#audit({ type: 'rejected', secretId: id, versionId: value.versionId, stage, source: value.source, outcome: 'failure', latencyMs, errorCode: error.code });
      this.#log('warn', `${error.message}; version ${value.versionId} rejected, keeping version ${previous.versionId}`, { secretId: id, versionId: value.versionId, code: error.code });
      this.#emit('rejected', { secretId: id, versionId: value.versionId, keptVersionId: previous.versionId, reason: error.message, at: new Date(now) });
      return;
    }
    // Commit: every binding gets its value for the new version in one synchronous step.
    r.current = value;
    r.rejectedVersionId = undefined;
    r.rejectionReason = undefined;
    bindings.forEach((b, i) => {
      b.value = (settled[i] as PromiseFulfilledResult<unknown>).value;
      b.versionId = value.versionId;
      b.error = undefined;
    });
    for (const b of r.bindings) if (b.versionId !== value.versionId) this.#initBinding(r, b);
    this.#succeeded(r, now, okStatus);
    const rotated = previous !== undefined && previous.versionId !== value.versionId;
    this.#audit({ type: rotated ? 'rotation' : 'load', secretId: id, versionId: value.versionId, stage, source: value.source, outcome: 'success', latencyMs });
    if (rotated) {
      this.#metrics.rotation(id);
      const at = new Date(now);
      const base = { secretId: id, previousVersionId: previous.versionId, versionId: value.versionId, stage, at };
      this.#log('log', `Secret "${id}" rotated: version ${previous.versionId} -> ${value.versionId}`, { secretId: id, versionId: value.versionId });
      this.#emit('rotation', new SecretRotationEvent(base, value));
      for (const b of bindings) {
        if (b.listeners.size === 0) continue;
        const ev = new SecretRotationEvent(base, b.value);
        for (const l of b.listeners) this.#safely(() => l(ev as RotationEvent<unknown>));
      }
    }
  }

  /** Marks a successful fetch: clears errors and the stale window, schedules the next refresh. */
  #succeeded(r: SecretRecord, now: number, status: SecretStatus, freshValue = true): void {
    if (freshValue) r.fetchedAt = now;
    r.lastError = undefined;
    r.lastFetchFailed = false;
    r.failures = 0;
    r.staleSince = undefined;
    r.staleUntil = undefined;
    if (r.staleTimer) clearTimeout(r.staleTimer);
    r.staleTimer = undefined;
    this.#setStatus(r, status);
    this.#schedule(r, refreshDelay(r.ttlMs, this.#options.refreshJitter ?? SECRET_STORE_DEFAULTS.refreshJitter, () => this.#random()));
  }

  #applyError(r: SecretRecord, error: KeyturnError, latencyMs: number): void {
    const id = r.request.secretId;
    const now = Date.now();
    r.lastError = error;
    r.lastFetchFailed = true;
    r.failures++;
    this.#metrics.error(error.code ?? error.name, id);
    if (error.transient && r.current && r.servable) {
      const bound = this.#options.staleIfErrorMs ?? SECRET_STORE_DEFAULTS.staleIfErrorMs;
      r.staleSince ??= now;
      r.staleUntil = r.staleSince + bound;
      if (now < r.staleUntil) {
        this.#setStatus(r, 'stale');
        if (!r.staleTimer) {
          r.staleTimer = setTimeout(() => this.#staleExpired(r), Math.min(MAX_TIMER_MS, r.staleUntil - now));
          r.staleTimer.unref?.();
        }
      } else {
        this.#setStatus(r, 'stale');
        this.#staleExpired(r);
      }
    } else {
      // Past the stale bound, keep saying so while the outage lasts.
      if (error.transient && r.current && r.staleSince !== undefined) r.lastError = this.#boundError(r, error);
      this.#setStatus(r, 'failed');
    }
    this.#audit({ type: 'error', secretId: id, versionId: r.current?.versionId, stage: this.#stage(r), source: this.#getSource().name, outcome: 'failure', latencyMs, errorCode: error.code });
    this.#log(r.status === 'stale' ? 'warn' : 'error', `${error.message}${r.status === 'stale' ? ' (serving the last good value)' : ''}`, { secretId: id, code: error.code, state: r.status });
    this.#emit('error', { secretId: id, error, state: r.status, at: new Date(now) });
    this.#scheduleRetry(r);
  }

  #staleExpired(r: SecretRecord): void {
    r.staleTimer = undefined;
    if (r.status !== 'stale' || r.staleSince === undefined) return;
    r.lastError = this.#boundError(r, r.lastError);
    this.#setStatus(r, 'failed');
    this.#log('error', r.lastError.message, { secretId: r.request.secretId, code: r.lastError.code });
  }

  /** The error get() throws once the stale bound has passed. */
  #boundError(r: SecretRecord, cause: KeyturnError | undefined): KeyturnError {
    const hours = ((this.#options.staleIfErrorMs ?? SECRET_STORE_DEFAULTS.staleIfErrorMs) / 3_600_000).toFixed(1);
    return new SecretUnavailableError(
      `Secret "${r.request.secretId}" has been unavailable since ${new Date(r.staleSince ?? Date.now()).toISOString()}, longer than the stale bound (${hours} h); last error: ${cause?.code ?? 'unknown'}`,
      { secretId: r.request.secretId, code: cause?.code ?? 'StaleBoundExceeded', cause, hint: cause?.hint },
    );
  }

  #scheduleRetry(r: SecretRecord): void {
    const backoff = { ...SECRET_STORE_DEFAULTS.backoff, ...(this.#options.backoff ?? {}) };
    this.#schedule(r, backoffDelay(Math.max(0, r.failures - 1), backoff, () => this.#random()));
  }

  /**
   * Schedules a record that has no refresh timer and no fetch under way: its next refresh counts
   * from when it was fetched, a record whose last fetch failed retries with backoff.
   */
  #scheduleIdle(r: SecretRecord): void {
    if (r.timer || r.inflight || r.evicted || this.#due.has(r)) return;
    if (r.lastFetchFailed || r.fetchedAt === undefined) {
      this.#scheduleRetry(r);
      return;
    }
    const delay = refreshDelay(r.ttlMs, this.#options.refreshJitter ?? SECRET_STORE_DEFAULTS.refreshJitter, () => this.#random());
    this.#schedule(r, Math.max(0, delay - (Date.now() - r.fetchedAt)));
  }

  #schedule(r: SecretRecord, delayMs: number): void {
    if (r.timer) clearTimeout(r.timer);
    r.timer = undefined;
    if (!this.#running || r.evicted) {
      r.nextRefreshAt = undefined;
      return;
    }
    r.nextRefreshAt = Date.now() + delayMs;
    r.timer = setTimeout(() => {
      r.timer = undefined;
      this.#enqueue(r);
    }, delayMs);
    r.timer.unref?.();
  }

  /** Migration mode: a mismatch becomes a metric, an audit record, a warning and a `mismatch` event. */
  #mismatch(m: SecretMismatch): void {
    this.#metrics.mismatch(m.secretId);
    const served = m.served === 'old' ? { source: m.oldSource, versionId: m.oldVersionId } : { source: m.newSource, versionId: m.newVersionId };
    const { keys, oldSource, oldVersionId, oldErrorCode, newSource, newVersionId, newErrorCode } = m;
    const detail = { keyPaths: keys.map((k) => k.path), oldSource, oldVersionId, oldErrorCode, newSource, newVersionId, newErrorCode };
    for (const k of Object.keys(detail) as (keyof typeof detail)[]) if (detail[k] === undefined) delete detail[k];
    this.#audit({ type: 'mismatch', secretId: m.secretId, ...served, stage: m.stage, outcome: 'failure', latencyMs: 0, mismatch: detail });
    this.#log('warn', describeMismatch(m), { secretId: m.secretId, keyPaths: detail.keyPaths, oldVersionId, newVersionId });
    this.#emit('mismatch', m);
  }

  #setStatus(r: SecretRecord, status: SecretStatus): void {
    if (r.status === status) return;
    r.status = status;
    if (this.#listeners.state.size > 0) this.#emit('state', r.state(Date.now()));
  }

  #emit<E extends keyof SecretStoreEvents>(event: E, payload: SecretStoreEvents[E]): void {
    for (const l of this.#listeners[event] as Set<Listener<E>>) this.#safely(() => l(payload));
  }

  #safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.#log('error', `A Keyturn event listener threw ${(err as Error)?.name ?? 'an error'}`, {});
    }
  }

  #audit(event: Omit<AuditEvent, 'at'>): void {
    const sink = this.#options.audit;
    if (!sink) return;
    const clean: AuditEvent = { ...event, latencyMs: Math.round(event.latencyMs * 1000) / 1000, at: new Date() };
    for (const k of Object.keys(clean) as (keyof AuditEvent)[]) if (clean[k] === undefined) delete clean[k];
    this.#safely(() => sink.record(clean));
  }

  #log(level: 'log' | 'warn' | 'error' | 'debug', message: string, context: Record<string, unknown>): void {
    const logger = this.#options.logger;
    if (!logger) return;
    const fn = level === 'debug' ? logger.debug : logger[level];
    if (!fn) return;
    try {
      fn.call(logger, message, { ...context, component: 'Keyturn' });
    } catch {
      // A failing logger must not break the cache.
    }
  }

  toJSON(): Record<string, unknown> {
    return { secrets: this.states(), running: this.#running };
  }

  toString(): string {
    return `SecretStore(${this.#records.size} secrets, ${this.#running ? 'running' : 'stopped'})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
