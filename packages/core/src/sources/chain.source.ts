import type { KeyturnError } from '../errors/keyturn.error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretFetchResult, SecretRequest, SecretSource, SourceObserver } from './secret-source.js';

/** Options of {@link ChainSource}. */
export interface ChainSourceOptions {
  /**
   * Name of the chain (values keep the name of the source that served them).
   * @default 'chain(<names>)'
   */
  name?: string;
}

/**
 * Asks each source in turn for what the previous ones could not serve. The first answer wins; a
 * value served by any source but the first is marked `fallback`. When every source fails, the
 * error reported is the first one that is not a "not found" (a refusal or an outage says more).
 */
export class ChainSource implements SecretSource {
  readonly name: string;
  readonly #sources: readonly SecretSource[];

  constructor(sources: readonly SecretSource[], options: ChainSourceOptions = {}) {
    this.#sources = [...sources];
    this.name = options.name ?? `chain(${sources.map((s) => s.name).join(',')})`;
  }

  /** The sources, primary first. */
  get sources(): readonly SecretSource[] {
    return this.#sources;
  }

  async fetch(requests: readonly SecretRequest[], opts?: { signal?: AbortSignal }): Promise<SecretFetchResult[]> {
    const done = new Map<SecretRequest, SecretFetchResult>();
    const errors = new Map<SecretRequest, KeyturnError[]>();
    let pending = [...requests];
    for (const [i, source] of this.#sources.entries()) {
      if (pending.length === 0) break;
      const results = await source.fetch(pending, opts);
      const next: SecretRequest[] = [];
      pending.forEach((request, j) => {
        const r = results[j];
        if (r.ok) done.set(request, { request, ok: true, value: r.value, fallback: i > 0 || r.fallback === true });
        else {
          errors.set(request, [...(errors.get(request) ?? []), r.error]);
          next.push(request);
        }
      });
      pending = next;
    }
    return requests.map((request) => {
      const ok = done.get(request);
      if (ok) return ok;
      const errs = errors.get(request) ?? [];
      const error = errs.find((e) => !(e instanceof SecretNotFoundError)) ?? errs[0];
      return { request, ok: false as const, error };
    });
  }

  /** The primary source's answer (a fallback source's secrets are not rotated by AWS). */
  async nextRotation(secretId: string, opts?: { signal?: AbortSignal }): Promise<Date | undefined> {
    return this.#sources[0]?.nextRotation?.(secretId, opts);
  }

  observe(observer: SourceObserver): () => void {
    const offs = this.#sources.map((s) => s.observe?.(observer));
    return () => offs.forEach((off) => off?.());
  }

  async destroy(): Promise<void> {
    await Promise.all(this.#sources.map((s) => s.destroy?.()));
  }

  toString(): string {
    return `ChainSource(${this.name})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, sources: this.#sources.map((s) => s.name) };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
