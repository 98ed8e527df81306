import { SecretNotLoadedError } from '../errors/secret-not-loaded.error.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { SecretRef } from '../refs/secret-ref.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretValue } from '../values/secret-value.js';
import type { Binding } from './secret-binding.js';
import type { SecretRecord } from './secret-record.js';
import type { RotationEvent, SecretEntry, SecretState } from './store.types.js';

/** The store's implementation of {@link SecretEntry}: a synchronous view of one binding of one record. */
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
    const s = this.#record.state;
    const b = this.#binding;
    if (b.versionId !== undefined && b.versionId === s.current?.versionId) {
      const status = s.status;
      if (status === 'fresh') {
        this.#metrics.hits++;
        return b.value as T;
      }
      if (status === 'stale' || status === 'fallback') {
        const m = this.#metrics;
        m.hits++;
        if (status === 'stale') m.staleServes++;
        else m.fallbackServes++;
        return b.value as T;
      }
    }
    this.#metrics.misses++;
    if (s.status === 'failed' && s.lastError) throw s.lastError;
    if (b.error) throw b.error;
    throw new SecretNotLoadedError(
      this.#record.evicted
        ? `Secret "${this.secretId}" was evicted from the store; register or load it again`
        : `Secret "${this.secretId}" has not been loaded yet; await store.start() or store.load() before reading it`,
      { secretId: this.secretId, code: 'NotLoaded', hint: 'that store.start() or store.load() completed' },
    );
  }

  current(): SecretValue | undefined {
    return this.#record.state.current;
  }

  state(): SecretState {
    return this.#record.view(Date.now());
  }

  subscribe(listener: (event: RotationEvent<T>) => void): () => void {
    this.#binding.listeners.add(listener);
    return () => this.#binding.listeners.delete(listener);
  }

  toJSON(): Record<string, unknown> {
    return { secretId: this.secretId, ref: this.ref, required: this.required, state: this.#record.state.status, versionId: this.#record.state.current?.versionId };
  }

  toString(): string {
    return `SecretEntry(${this.secretId}: ${this.#record.state.status})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
