import { Observable } from 'rxjs';
import { wrapHookFailure, type RotationEvent, type SecretEntry, type SecretState, type SecretStore } from '@keyturn/core';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import type { SecretHandle, SecretVersionStage } from './interfaces/secret-handle.interface.js';
import type { SecretValueTransformer } from './secret-value.transformer.js';
import type { ConnectionEvent } from '@keyturn/core/connections';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/** A `SecretHandle` over one store entry. */
export class StoreSecretHandle<T> implements SecretHandle<T> {
  readonly changes$: Observable<RotationEvent<T>>;

  constructor(
    private readonly entry: SecretEntry<T>,
    private readonly def: SecretDefinition<T>,
    private readonly store: SecretStore,
    private readonly transformer: SecretValueTransformer,
  ) {
    this.changes$ = new Observable<RotationEvent<T>>((subscriber) => entry.subscribe((event) => subscriber.next(event)));
  }

  get secretId(): string {
    return this.entry.secretId;
  }

  get(): T {
    return this.entry.get();
  }

  state(): SecretState {
    return this.entry.state();
  }

  async refresh(opts?: { force?: boolean }): Promise<{ changed: boolean }> {
    const { changed } = await this.store.refresh(this.entry.secretId, opts);
    return { changed };
  }

  async fetchVersion(stage: SecretVersionStage): Promise<T> {
    const value = await this.store.fetchVersion(this.entry.secretId, { versionStage: stage });
    try {
      return await this.transformer.transform(this.def, value);
    } catch (error) {
      // The same wrapping as the store's refreshes: a foreign error's message may quote the value.
      throw wrapHookFailure(this.entry.secretId, error, { path: this.def.key });
    }
  }

  reportRotationUnfinished(): void {
    this.store.reportRotationUnfinished(this.entry.secretId);
  }

  reportConnectionEvent(event: ConnectionEvent): void {
    this.store.reportConnectionEvent({ ...event, secretId: this.entry.secretId });
  }

  toJSON(): SecretState {
    return this.state();
  }

  [INSPECT](): string {
    const s = this.state();
    return `SecretHandle <${s.secretId}> { state: '${s.state}', versionId: ${s.versionId === undefined ? 'undefined' : `'${s.versionId}'`} }`;
  }
}
