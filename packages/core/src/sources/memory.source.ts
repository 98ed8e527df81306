import { randomUUID } from 'node:crypto';
import { classifyError } from '../errors/classify-error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { INSPECT } from '../values/redaction.js';
import { SecretValue } from '../values/secret-value.js';
import { describeVersion, type SecretFetchResult, type SecretRequest, type SecretSource, type SourceObserver } from './secret-source.js';

/** A value to store: a string, bytes, or an object stored as JSON. */
export type MemorySecretInput = string | Uint8Array | Record<string, unknown>;

/** Options of {@link MemorySource}. */
export interface MemorySourceOptions {
  /**
   * Initial secrets by id.
   * @default {}
   * @example { 'app/db': { username: 'app', password: 'pw' } }
   */
  secrets?: Record<string, MemorySecretInput>;
  /**
   * Name recorded as the value's source.
   * @default 'memory'
   */
  name?: string;
}

interface StoredVersion {
  value: SecretValue;
  stages: Set<string>;
}

/**
 * In-memory source for tests: `put()` creates a new version and moves AWSCURRENT (AWSPREVIOUS
 * follows), as PutSecretValue does. `fail()` makes fetches of a secret fail with a given error.
 */
export class MemorySource implements SecretSource {
  readonly name: string;
  readonly #initial: Record<string, MemorySecretInput>;
  #secrets?: Map<string, StoredVersion[]>;
  readonly #failures = new Map<string, unknown>();
  readonly #observers = new Set<SourceObserver>();
  #calls = 0;

  constructor(options: MemorySourceOptions = {}) {
    this.name = options.name ?? 'memory';
    this.#initial = { ...(options.secrets ?? {}) };
  }

  /** Number of `fetch` calls answered so far. */
  get calls(): number {
    return this.#calls;
  }

  #store(): Map<string, StoredVersion[]> {
    if (!this.#secrets) {
      this.#secrets = new Map();
      for (const [id, v] of Object.entries(this.#initial)) this.put(id, v);
    }
    return this.#secrets;
  }

  /**
   * Stores a new version of `secretId` and returns its version id.
   * @param options.versionStages labels for the new version (default `['AWSCURRENT']`)
   * @param options.versionId the new version id (default a random UUID)
   */
  put(secretId: string, value: MemorySecretInput, options: { versionStages?: string[]; versionId?: string } = {}): string {
    const store = this.#store();
    const versions = store.get(secretId) ?? [];
    const versionId = options.versionId ?? randomUUID();
    const stages = new Set(options.versionStages ?? ['AWSCURRENT']);
    if (versions.length === 0) stages.add('AWSCURRENT');
    if (stages.has('AWSCURRENT')) {
      for (const v of versions) v.stages.delete('AWSPREVIOUS');
      const current = versions.find((v) => v.stages.has('AWSCURRENT'));
      if (current) {
        current.stages.delete('AWSCURRENT');
        current.stages.add('AWSPREVIOUS');
      }
    }
    for (const v of versions) for (const s of stages) if (s !== 'AWSCURRENT') v.stages.delete(s);
    const init =
      typeof value === 'string'
        ? { secretString: value }
        : value instanceof Uint8Array
          ? { secretBinary: value }
          : { secretString: JSON.stringify(value) };
    versions.push({ value: new SecretValue({ secretId, name: secretId, versionId, source: this.name, createdDate: new Date(), ...init }), stages });
    store.set(secretId, versions);
    return versionId;
  }

  /** Removes a secret (later fetches answer SecretNotFoundError). */
  delete(secretId: string): void {
    this.#store().delete(secretId);
  }

  /** Makes fetches of `secretId` fail with `error` (classified like an AWS error); `undefined` clears it. */
  fail(secretId: string, error: unknown): void {
    if (error === undefined) this.#failures.delete(secretId);
    else this.#failures.set(secretId, error);
  }

  observe(observer: SourceObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  async fetch(requests: readonly SecretRequest[]): Promise<SecretFetchResult[]> {
    this.#calls++;
    for (const o of this.#observers) o.apiCall('MemoryGet');
    return requests.map((request) => this.#one(request));
  }

  #one(request: SecretRequest): SecretFetchResult {
    const failure = this.#failures.get(request.secretId);
    if (failure !== undefined) return { request, ok: false, error: classifyError(failure, { secretId: request.secretId, source: this.name, version: describeVersion(request) }) };
    const versions = this.#store().get(request.secretId) ?? [];
    const stage = request.versionStage ?? (request.versionId ? undefined : 'AWSCURRENT');
    const found = versions.find((v) => (!request.versionId || v.value.versionId === request.versionId) && (!stage || v.stages.has(stage)));
    if (!found) {
      return {
        request,
        ok: false,
        error: new SecretNotFoundError(`Secret "${request.secretId}"${describeVersion(request) ? ` (${describeVersion(request)})` : ''} is not in the ${this.name} source`, {
          secretId: request.secretId,
          code: 'ResourceNotFoundException',
          hint: `MemorySource.put('${request.secretId}', ...)`,
        }),
      };
    }
    const v = found.value;
    // Stages move between versions; hand out a value carrying the stages it has now.
    const value = new SecretValue({ secretId: v.secretId, name: v.name, versionId: v.versionId, versionStages: [...found.stages], createdDate: v.createdDate, source: this.name, ...(v.kind === 'binary' ? { secretBinary: v.reveal() as Uint8Array } : { secretString: v.text() }) });
    return { request, ok: true, value };
  }

  toString(): string {
    return `MemorySource(${this.name})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, secrets: this.#secrets ? [...this.#secrets.keys()] : Object.keys(this.#initial) };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
