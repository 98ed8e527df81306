import type { KeyturnError } from '../errors/keyturn.error.js';
import { isCurrentRequest, type SecretFetchResult, type SecretRequest, type SecretSource, type SourceObserver } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import { KeyedDigest, type KeyMismatch } from './keyed-digest.js';
import { SecretMismatchReport, type SecretMismatch } from './secret-mismatch.js';

/** Options of {@link SideBySideSource}. */
export interface SideBySideSourceOptions {
  /**
   * Where the secrets are today: an `EnvSource`, a `DotenvSource`, a `SqlTableSource` over the
   * table that holds them, or any `SecretSource`.
   * @example new SqlTableSource({ client: pool, query: 'SELECT * FROM clients', secretName: 'app/clients/{slug}', columns: { 'db.password': 'db_password' } })
   */
  old: SecretSource;
  /**
   * Where they are going: Secrets Manager (an `AwsSecretsManagerSource`), or a chain.
   * @example new AwsSecretsManagerSource()
   */
  new: SecretSource;
  /**
   * The side whose value is served. Start with `'old'` (nothing changes for the application while
   * mismatches are reported), switch to `'new'` once there are none; either way the other side is
   * read and compared. A secret the preferred side does not have is served from the other side
   * (marked as a fallback, so health shows it degraded).
   * @default 'old'
   */
  prefer?: 'old' | 'new';
  /**
   * Name recorded for the source (values keep the name of the side that served them).
   * @default 'side-by-side(<old>,<new>)'
   */
  name?: string;
}

const NOT_FOUND = 'ResourceNotFoundException';
const codeOf = (e: KeyturnError): string => (e.name === 'SecretNotFoundError' ? NOT_FOUND : (e.code ?? e.name));
const stageOf = (r: SecretRequest): string => r.versionStage ?? (r.versionId ? 'VERSION' : 'AWSCURRENT');
const keyOf = (r: SecretRequest): string => `${r.secretId}\0${r.versionStage ?? ''}\0${r.versionId ?? ''}`;

/**
 * Migration mode: reads the old source and Secrets Manager side by side, serves the preferred one,
 * and reports every disagreement by secret, key path and version. Values are compared as keyed
 * digests (HMAC-SHA256 under a random key drawn by this instance), so a report never holds a
 * value. Current versions are compared; other stages and pinned versions (which an env, .env or
 * table source does not have) are read from the preferred side, then the other.
 *
 * A mismatch is reported to observers (the store: event `mismatch`, a warning, an audit record,
 * the `mismatches` metric) when it appears or changes, not at every refresh; {@link mismatches}
 * lists the ones that still hold (health details). A secret that matches again leaves the list.
 */
export class SideBySideSource implements SecretSource {
  readonly name: string;
  readonly prefer: 'old' | 'new';
  readonly #old: SecretSource;
  readonly #new: SecretSource;
  readonly #digest = new KeyedDigest();
  readonly #observers = new Set<SourceObserver>();
  readonly #open = new Map<string, { signature: string; report: SecretMismatchReport }>();
  #comparisons = 0;

  constructor(options: SideBySideSourceOptions) {
    if (!options?.old || !options?.new) throw new TypeError('SideBySideSource needs both an `old` and a `new` source');
    const prefer = options.prefer ?? 'old';
    if (prefer !== 'old' && prefer !== 'new') throw new TypeError(`SideBySideSource: prefer must be 'old' or 'new', got ${JSON.stringify(prefer)}`);
    this.#old = options.old;
    this.#new = options.new;
    this.prefer = prefer;
    this.name = options.name ?? `side-by-side(${options.old.name},${options.new.name})`;
  }

  /** The source read as the old store. */
  get old(): SecretSource {
    return this.#old;
  }

  /** The source read as the new store. */
  get new(): SecretSource {
    return this.#new;
  }

  /** The mismatches that still hold, by secret (the latest report of each). */
  mismatches(): SecretMismatch[] {
    return [...this.#open.values()].map((o) => o.report);
  }

  /** How many current-version comparisons were made (matches included). */
  get comparisons(): number {
    return this.#comparisons;
  }

  async fetch(requests: readonly SecretRequest[], opts?: { signal?: AbortSignal }): Promise<SecretFetchResult[]> {
    const current = requests.filter(isCurrentRequest);
    const pinned = requests.filter((r) => !isCurrentRequest(r));
    const [both, pinnedResults] = await Promise.all([
      current.length ? Promise.all([this.#old.fetch(current, opts), this.#new.fetch(current, opts)]) : Promise.resolve(undefined),
      pinned.length ? this.#pinned(pinned, opts) : Promise.resolve([]),
    ]);
    const out = new Map<SecretRequest, SecretFetchResult>();
    pinned.forEach((r, i) => out.set(r, pinnedResults[i]));
    if (both) {
      const [oldResults, newResults] = both;
      current.forEach((r, i) => out.set(r, this.#compare(r, oldResults[i], newResults[i])));
    }
    return requests.map((r) => out.get(r) as SecretFetchResult);
  }

  /** Stages and pinned versions: the preferred side, then the other when it does not have them. */
  async #pinned(requests: SecretRequest[], opts?: { signal?: AbortSignal }): Promise<SecretFetchResult[]> {
    const [first, second] = this.prefer === 'old' ? [this.#old, this.#new] : [this.#new, this.#old];
    const results = await first.fetch(requests, opts);
    const retry = requests.filter((_, i) => !results[i].ok && codeOf((results[i] as { error: KeyturnError }).error) === NOT_FOUND);
    if (retry.length === 0) return results;
    const again = await second.fetch(retry, opts);
    const byRequest = new Map(retry.map((r, i) => [r, again[i]]));
    return results.map((res, i) => {
      const other = byRequest.get(requests[i]);
      if (!other) return res;
      return other.ok ? { request: requests[i], ok: true, value: other.value, fallback: true } : res;
    });
  }

  #compare(request: SecretRequest, oldR: SecretFetchResult, newR: SecretFetchResult): SecretFetchResult {
    this.#comparisons++;
    const preferred = this.prefer === 'old' ? oldR : newR;
    const other = this.prefer === 'old' ? newR : oldR;
    let result: SecretFetchResult;
    let served: 'old' | 'new' = this.prefer;
    if (preferred.ok) result = { request, ok: true, value: preferred.value, ...(preferred.fallback ? { fallback: true } : {}) };
    else if (other.ok && codeOf(preferred.error) === NOT_FOUND) {
      // Not there yet (or no longer): serve the other side, as a fallback, so health says so.
      result = { request, ok: true, value: other.value, fallback: true };
      served = this.prefer === 'old' ? 'new' : 'old';
    } else {
      // A refusal or an outage of the preferred side is its own error (the store decides about stale values).
      result = { request, ok: false, error: preferred.error };
    }

    let keys: KeyMismatch[] = [];
    let differs: boolean;
    if (oldR.ok && newR.ok) {
      keys = this.#digest.compare(oldR.value, newR.value);
      differs = keys.length > 0;
    } else {
      // Both missing is no disagreement (the store reports the error); one side unreadable is.
      differs = !(!oldR.ok && !newR.ok && codeOf(oldR.error) === NOT_FOUND && codeOf(newR.error) === NOT_FOUND);
    }
    const id = keyOf(request);
    if (!differs) {
      this.#open.delete(id);
      return result;
    }
    const report = new SecretMismatchReport({
      secretId: request.secretId,
      stage: stageOf(request),
      keys,
      oldSource: oldR.ok ? oldR.value.source : this.#old.name,
      newSource: newR.ok ? newR.value.source : this.#new.name,
      ...(oldR.ok ? { oldVersionId: oldR.value.versionId } : { oldErrorCode: codeOf(oldR.error) }),
      ...(newR.ok ? { newVersionId: newR.value.versionId } : { newErrorCode: codeOf(newR.error) }),
      served: result.ok ? served : this.prefer,
      at: new Date(),
    });
    const signature = JSON.stringify([report.keys, report.oldVersionId, report.newVersionId, report.oldErrorCode, report.newErrorCode, report.served]);
    const before = this.#open.get(id);
    this.#open.set(id, { signature, report: before?.signature === signature ? before.report : report });
    if (before?.signature !== signature) for (const o of this.#observers) this.#notify(o, report);
    return result;
  }

  #notify(observer: SourceObserver, report: SecretMismatchReport): void {
    try {
      observer.mismatch?.(report);
    } catch {
      // An observer's failure must not change what is served.
    }
  }

  observe(observer: SourceObserver): () => void {
    this.#observers.add(observer);
    const offs = [this.#old.observe?.(observer), this.#new.observe?.(observer)];
    return () => {
      this.#observers.delete(observer);
      offs.forEach((off) => off?.());
    };
  }

  /** Destroys both sides (pass sources you own; a shared SDK client is destroyed with its source). */
  async destroy(): Promise<void> {
    await Promise.all([this.#old.destroy?.(), this.#new.destroy?.()]);
  }

  toString(): string {
    return `SideBySideSource(${this.name}, prefer ${this.prefer})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, old: this.#old.name, new: this.#new.name, prefer: this.prefer, mismatches: this.mismatches().map((m) => m.secretId) };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

