import { setMaxListeners } from 'node:events';
import { classifyError } from '../errors/classify-error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { AwsSecretsManagerSource } from '../sources/aws-secrets-manager.source.js';
import { ChainSource } from '../sources/chain.source.js';
import { describeVersion, type SecretFetchResult, type SecretRequest, type SecretSource } from '../sources/secret-source.js';
import type { SecretValue } from '../values/secret-value.js';
import type { SecretMismatch } from '../migration/secret-mismatch.js';
import type { StoreNotifier } from './store-notifier.js';

/** One answer of the source and how long the call that carried it took. */
export interface Fetched {
  readonly result: SecretFetchResult;
  readonly latencyMs: number;
}

interface Waiting {
  readonly request: SecretRequest;
  readonly resolve: (fetched: Fetched) => void;
}

/** The store's key of a request (AWSCURRENT and "no stage" are one key). */
export function requestKey(r: SecretRequest): string {
  const stage = r.versionStage === 'AWSCURRENT' && !r.versionId ? '' : (r.versionStage ?? '');
  return `${r.secretId}\u0000${stage}\u0000${r.versionId ?? ''}`;
}

/**
 * Talks to the source: requests made in the same tick go out in one `fetch` (which the AWS source
 * sends as BatchGetSecretValue calls of 20 ids), identical version reads share one call, and each
 * call is aborted after `timeoutMs` by a timer that is cleared as soon as the call ends.
 */
export class SecretFetcher {
  readonly #given?: SecretSource | readonly SecretSource[];
  readonly #timeoutMs: number;
  readonly #notifier: StoreNotifier;
  readonly #versionFlights = new Map<string, Promise<SecretValue>>();
  #queue: Waiting[] = [];
  #flushQueued = false;
  #source?: SecretSource;
  #ownsSource = false;
  #unobserve?: () => void;

  readonly #onMismatch: (m: SecretMismatch) => void;

  constructor(options: { sources?: SecretSource | readonly SecretSource[]; timeoutMs: number; onMismatch: (m: SecretMismatch) => void }, notifier: StoreNotifier) {
    this.#onMismatch = options.onMismatch;
    this.#given = options.sources;
    this.#timeoutMs = options.timeoutMs;
    this.#notifier = notifier;
  }

  /** The source (the given ones chained, or an AWS source the store owns), created on first use. */
  get source(): SecretSource {
    if (!this.#source) {
      const given = this.#given;
      const list = given === undefined ? [] : Array.isArray(given) ? (given as readonly SecretSource[]) : [given as SecretSource];
      if (list.length === 0) {
        this.#source = new AwsSecretsManagerSource();
        this.#ownsSource = true;
      } else {
        this.#source = list.length === 1 ? list[0] : new ChainSource(list);
        this.#ownsSource = false;
      }
      const metrics = this.#notifier.metrics;
      this.#unobserve = this.#source.observe?.({ apiCall: (op, region) => metrics.apiCall(op, region), mismatch: (m) => this.#onMismatch(m) });
    }
    return this.#source;
  }

  /** Fetches one request; every request made in the same tick goes to the source in one call. */
  fetch(request: SecretRequest): Promise<Fetched> {
    return new Promise<Fetched>((resolve) => {
      this.#queue.push({ request, resolve });
      if (this.#flushQueued) return;
      this.#flushQueued = true;
      // A promise job, not queueMicrotask (which fake timers replace).
      void Promise.resolve().then(() => this.#flush());
    });
  }

  /** Reads a version outside the cache; concurrent identical reads share one call. */
  fetchVersion(request: SecretRequest): Promise<SecretValue> {
    const key = requestKey(request);
    let flight = this.#versionFlights.get(key);
    if (!flight) {
      flight = this.#fetchVersion(request).finally(() => this.#versionFlights.delete(key));
      this.#versionFlights.set(key, flight);
    }
    return flight;
  }

  /**
   * When the secret's next rotation is scheduled, where the source can tell (AWS: DescribeSecret).
   * Undefined when it cannot, when the caller may not ask, or when no rotation is scheduled.
   */
  async nextRotation(secretId: string): Promise<Date | undefined> {
    const source = this.source;
    if (!source.nextRotation) return undefined;
    return this.#withTimeout((signal) => source.nextRotation!(secretId, { signal })).catch(() => undefined);
  }

  /** Destroys the source if the store created it. */
  async destroy(): Promise<void> {
    this.#unobserve?.();
    this.#unobserve = undefined;
    const source = this.#source;
    this.#source = undefined;
    if (source && this.#ownsSource) await source.destroy?.();
  }

  async #flush(): Promise<void> {
    this.#flushQueued = false;
    const batch = this.#queue;
    this.#queue = [];
    const started = performance.now();
    const results = await this.#call(batch.map((w) => w.request));
    const latencyMs = performance.now() - started;
    this.#notifier.metrics.refreshLatency(latencyMs, batch.length);
    batch.forEach((w, i) => w.resolve({ result: results[i], latencyMs }));
  }

  async #fetchVersion(request: SecretRequest): Promise<SecretValue> {
    const { result, latencyMs } = await this.fetch(request);
    const stage = request.versionStage ?? (request.versionId ? undefined : 'AWSCURRENT');
    const n = this.#notifier;
    if (!result.ok) {
      // A version the secret does not have (AWSPREVIOUS before the first rotation, no AWSPENDING
      // outside a rotation) is an answer, not a failure of the source: it is not counted as an error.
      const absentVersion = result.error instanceof SecretNotFoundError && stage !== 'AWSCURRENT';
      if (!absentVersion) {
        n.metrics.error(result.error.code ?? result.error.name, request.secretId);
        n.audit({ type: 'error', secretId: request.secretId, stage, source: this.source.name, outcome: 'failure', latencyMs, errorCode: result.error.code });
      }
      throw result.error;
    }
    if (result.replica) n.metrics.replicaFetch(result.replica.region);
    n.audit({ type: 'load', secretId: request.secretId, versionId: result.value.versionId, stage, source: result.value.source, region: result.value.region, outcome: 'success', latencyMs });
    return result.value;
  }

  /** One source call for the requests; a failure of the whole call answers every request with it. */
  async #call(requests: SecretRequest[]): Promise<SecretFetchResult[]> {
    let source: SecretSource | undefined;
    try {
      source = this.source;
      const s = source;
      const results = await this.#withTimeout((signal) => s.fetch(requests, { signal }), requests.length);
      if (results.length !== requests.length) throw new Error(`source ${s.name} answered ${results.length} of ${requests.length} requests`);
      return results;
    } catch (err) {
      const name = source?.name ?? 'unknown';
      return requests.map((request) => ({
        request,
        ok: false as const,
        error: classifyError(err, { secretId: request.secretId, source: name, version: describeVersion(request) }),
      }));
    }
  }

  /** Runs `call` with a signal aborted after the timeout; the timer never outlives the call. */
  async #withTimeout<T>(call: (signal: AbortSignal) => Promise<T>, listeners = 1): Promise<T> {
    const controller = new AbortController();
    // One signal is shared by every SDK call of this fetch; each call adds an abort listener.
    setMaxListeners(listeners + 16, controller.signal);
    const timer = setTimeout(() => controller.abort(new DOMException(`The operation timed out after ${this.#timeoutMs} ms`, 'TimeoutError')), this.#timeoutMs);
    timer.unref?.();
    try {
      return await call(controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }
}
