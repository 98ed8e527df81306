import { SecretNotLoadedError } from '../errors/secret-not-loaded.error.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { SecretRef } from '../refs/secret-ref.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretValue } from '../values/secret-value.js';
import type { Binding, SecretRecord } from './secret-record.js';
import type { RotationEvent, SecretEntry, SecretState } from './store.types.js';

/** The store's implementation of {@link SecretEntry}: a synchronous view of one record. */
export class StoreSecretEntry<T> implements SecretEntry<T> {
  readonly secretId: string;
  readonly ref: SecretRef;
  readonly required: boolean;
  readonly #record: SecretRecord;
  readonly #binding: Binding<T>;
  readonly #metrics: MetricsRecorder;

  constructor(record: SecretRecord, binding: Binding<T>, metrics: MetricsRecorder) {
    this.secretId = binding.ref.secretId;
    this.ref = binding.ref;
    this.required = binding.required;
    this.#record = record;
    this.#binding = binding;
    this.#metrics = metrics;
  }

  get(): T {
    const r = this.#record;
    const b = this.#binding;
    if (r.servable && b.versionId !== undefined && b.versionId === r.current?.versionId) {
      const m = this.#metrics;
      m.hits++;
      if (r.status === 'stale') m.staleServes++;
      else if (r.status === 'fallback') m.fallbackServes++;
      return b.value as T;
    }
    this.#metrics.misses++;
    if (r.status === 'failed' && r.lastError) throw r.lastError;
    if (b.error) throw b.error;
    throw new SecretNotLoadedError(
      r.evicted
        ? `Secret "${this.secretId}" was evicted from the store; register or load it again`
        : `Secret "${this.secretId}" has not been loaded yet; await store.start() or store.load() before reading it`,
      { secretId: this.secretId, code: 'NotLoaded', hint: 'that store.start() or store.load() completed' },
    );
  }

  current(): SecretValue | undefined {
    return this.#record.current;
  }

  state(): SecretState {
    return this.#record.state(Date.now());
  }

  subscribe(listener: (event: RotationEvent<T>) => void): () => void {
    this.#binding.listeners.add(listener);
    return () => this.#binding.listeners.delete(listener);
  }

  toJSON(): Record<string, unknown> {
    return { secretId: this.secretId, ref: this.ref, required: this.required, state: this.#record.status, versionId: this.#record.current?.versionId };
  }

  toString(): string {
    return `SecretEntry(${this.secretId}: ${this.#record.status})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
