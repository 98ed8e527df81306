import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { classifyError } from '../errors/classify-error.js';
import type { KeyturnError } from '../errors/keyturn.error.js';
import { INSPECT } from '../values/redaction.js';
import { AwsSecretsManagerSource } from './aws-secrets-manager.source.js';
import { describeVersion, type SecretFetchResult, type SecretRequest, type SecretSource, type SourceObserver } from './secret-source.js';

/** Options of {@link RegionalSource}. */
export interface RegionalSourceOptions {
  /**
   * The primary region first, then the replica regions in the order they are tried.
   * @example ['us-east-1', 'eu-west-1', 'eu-central-1']
   */
  regions: readonly string[];
  /**
   * Configuration shared by the clients the source creates (one per region; `region` is set per client).
   * @default {}
   * @example { endpoint: 'http://127.0.0.1:4566', maxAttempts: 2 }
   */
  clientConfig?: Omit<SecretsManagerClientConfig, 'region'>;
  /**
   * Ready clients by region (not destroyed by the source). Regions without one get a client from `clientConfig`.
   * @default {}
   */
  clients?: Readonly<Record<string, SecretsManagerClient>>;
  /**
   * The source of each region (tests, or another kind of source). Overrides `clientConfig` and
   * `clients`; sources made by the factory are destroyed with this source.
   * @default a new AwsSecretsManagerSource({ region, name: 'aws:<region>' })
   */
  sourceFor?: (region: string) => SecretSource;
  /**
   * How long one region may take to answer before the next region is asked (the store's
   * `fetchTimeoutMs` should leave room for every region).
   * @default 5000
   */
  attemptTimeoutMs?: number;
  /**
   * After a transient failure of the primary region, how long reads go straight to the replicas
   * before the primary is asked again. Secrets served by a replica are refreshed at that moment,
   * so the store returns to the primary once it answers.
   * @default 30000
   */
  primaryRetryMs?: number;
  /**
   * Name of the source (each value names its region's source, e.g. `aws:eu-west-1`).
   * @default 'aws'
   */
  name?: string;
  /** Clock (tests). @default Date.now */
  now?: () => number;
}

/** Where a {@link RegionalSource} reads from now. */
export interface RegionalStatus {
  readonly primaryRegion: string;
  /** Whether reads currently skip the primary (it failed transiently less than `primaryRetryMs` ago). */
  readonly primaryDown: boolean;
  /** Since when the primary has been failing (epoch ms), while it is. */
  readonly primaryDownSince?: number;
  /** When the primary is asked again (epoch ms), while it is down. */
  readonly primaryRetryAt?: number;
}

export const REGIONAL_SOURCE_DEFAULTS = { attemptTimeoutMs: 5000, primaryRetryMs: 30_000 } as const;

/**
 * Replica-region failover over AWS Secrets Manager: one source per region, the primary first.
 * When the primary fails **transiently** (network, timeout, 5xx, throttling) for a request, the
 * replica regions are asked in order; a region that does not hold the replica (not found there) is
 * passed over. A deliberate refusal of the primary (AccessDenied, not found, deletion, decryption)
 * is final: it is never answered from a replica. Values name the region that served them
 * (`aws:eu-west-1`); a replica's answer carries `replica` so the store can report it and come back
 * to the primary.
 */
export class RegionalSource implements SecretSource {
  readonly name: string;
  readonly regions: readonly string[];
  readonly #sources: readonly SecretSource[];
  readonly #owned: readonly SecretSource[];
  readonly #attemptTimeoutMs: number;
  readonly #primaryRetryMs: number;
  readonly #now: () => number;
  #downSince?: number;
  #retryAt?: number;

  constructor(options: RegionalSourceOptions) {
    if (options.regions.length === 0) throw new TypeError('RegionalSource needs at least one region (the primary)');
    if (new Set(options.regions).size !== options.regions.length) throw new TypeError(`RegionalSource regions must be distinct: ${options.regions.join(', ')}`);
    this.regions = Object.freeze([...options.regions]);
    this.name = options.name ?? 'aws';
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? REGIONAL_SOURCE_DEFAULTS.attemptTimeoutMs;
    this.#primaryRetryMs = options.primaryRetryMs ?? REGIONAL_SOURCE_DEFAULTS.primaryRetryMs;
    this.#now = options.now ?? Date.now;
    const owned: SecretSource[] = [];
    this.#sources = this.regions.map((region) => {
      const given = options.clients?.[region];
      const source = options.sourceFor
        ? options.sourceFor(region)
        : new AwsSecretsManagerSource(given ? { client: given, region } : { region, clientConfig: { ...(options.clientConfig ?? {}), region } });
      owned.push(source);
      return source;
    });
    this.#owned = owned;
  }

  get primaryRegion(): string {
    return this.regions[0];
  }

  /** Whether reads go to the replicas now, since when, and when the primary is asked again. */
  status(): RegionalStatus {
    const now = this.#now();
    const down = this.#retryAt !== undefined && now < this.#retryAt;
    return {
      primaryRegion: this.primaryRegion,
      primaryDown: down,
      ...(this.#downSince !== undefined ? { primaryDownSince: this.#downSince, primaryRetryAt: this.#retryAt } : {}),
    };
  }

  async fetch(requests: readonly SecretRequest[], opts: { signal?: AbortSignal } = {}): Promise<SecretFetchResult[]> {
    const results: (SecretFetchResult | undefined)[] = new Array(requests.length);
    // The error reported when no region serves a request: the primary's, else the first transient one.
    const errors: (KeyturnError | undefined)[] = new Array(requests.length);
    let pending = requests.map((_, i) => i);
    // While the primary is known to be down, the replicas go first and the primary is asked only
    // for what none of them served (its answer is then the one that counts).
    const skipPrimary = this.regions.length > 1 && this.#retryAt !== undefined && this.#now() < this.#retryAt;
    const order = this.regions.map((_, r) => r);
    if (skipPrimary) order.push(order.shift() as number);
    for (const r of order) {
      const region = this.regions[r];
      if (pending.length === 0 || opts.signal?.aborted) break;
      const answers = await this.#ask(r, pending.map((i) => requests[i]), opts.signal);
      const next: number[] = [];
      let primaryTransient = false;
      pending.forEach((i, j) => {
        const a = answers[j];
        if (a.ok) {
          results[i] = r === 0 ? { ...a, request: requests[i] } : { ...a, request: requests[i], replica: this.#replica(region) };
          return;
        }
        if (a.error.transient) {
          if (r === 0) primaryTransient = true;
          if (errors[i] === undefined || r === 0) errors[i] = a.error;
          next.push(i);
        } else if (r === 0) {
          // A deliberate refusal (AccessDenied, not found, deletion, ...) is never answered elsewhere.
          results[i] = { ...a, request: requests[i] };
        } else {
          // This region does not hold the replica (or refuses): try the next one.
          errors[i] ??= a.error;
          next.push(i);
        }
      });
      if (r === 0) this.#primaryAnswered(!primaryTransient);
      pending = next;
    }
    return requests.map((request, i) => results[i] ?? { request, ok: false as const, error: errors[i] ?? classifyError(opts.signal?.reason ?? new Error('no region answered'), { secretId: request.secretId, source: this.name, version: describeVersion(request) }) });
  }

  /** NextRotationDate from the primary, or from the first replica while the primary is down. */
  async nextRotation(secretId: string, opts?: { signal?: AbortSignal }): Promise<Date | undefined> {
    const source = this.status().primaryDown ? this.#sources[1] : this.#sources[0];
    return source.nextRotation?.(secretId, opts);
  }

  observe(observer: SourceObserver): () => void {
    const offs = this.#sources.map((s, r) =>
      s.observe?.({
        apiCall: (operation, region) => observer.apiCall(operation, region ?? this.regions[r]),
        ...(observer.mismatch ? { mismatch: (m) => observer.mismatch!(m) } : {}),
      }),
    );
    return () => offs.forEach((off) => off?.());
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#owned.map((s) => s.destroy?.()));
  }

  #replica(region: string): { region: string; primaryRegion: string; primaryRetryAt: number } {
    return { region, primaryRegion: this.primaryRegion, primaryRetryAt: this.#retryAt ?? this.#now() + this.#primaryRetryMs };
  }

  #primaryAnswered(ok: boolean): void {
    if (ok) {
      this.#downSince = undefined;
      this.#retryAt = undefined;
      return;
    }
    const now = this.#now();
    this.#downSince ??= now;
    this.#retryAt = now + this.#primaryRetryMs;
  }

  /** One region's answer, within `attemptTimeoutMs`; a failure of the whole call answers every request with it. */
  async #ask(r: number, requests: SecretRequest[], outer?: AbortSignal): Promise<SecretFetchResult[]> {
    const source = this.#sources[r];
    const controller = new AbortController();
    const abort = () => controller.abort(outer?.reason);
    outer?.addEventListener('abort', abort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException(`${source.name} did not answer within ${this.#attemptTimeoutMs} ms`, 'TimeoutError')), this.#attemptTimeoutMs);
    timer.unref?.();
    try {
      const answers = await source.fetch(requests, { signal: controller.signal });
      if (answers.length !== requests.length) throw new Error(`source ${source.name} answered ${answers.length} of ${requests.length} requests`);
      return answers;
    } catch (err) {
      return requests.map((request) => ({ request, ok: false as const, error: classifyError(err, { secretId: request.secretId, source: source.name, version: describeVersion(request) }) }));
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', abort);
    }
  }

  toString(): string {
    return `RegionalSource(${this.regions.join(' -> ')})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, regions: this.regions, ...this.status() };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
