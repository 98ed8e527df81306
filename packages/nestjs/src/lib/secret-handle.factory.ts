import { Inject, Injectable } from '@nestjs/common';
import type { SecretDefinitionInput, SecretEntry, SecretStore, SecretValue } from '@keyturn/core';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import type { SecretHandle } from './interfaces/secret-handle.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { RESOLVED_SECRETS_OPTIONS } from './secrets.internal-constants.js';
import type { ResolvedSecretsOptions } from './secrets-options.validator.js';
import { renderSecretName } from './secret-name.template.js';
import { SecretValueTransformer } from './secret-value.transformer.js';
import { StoreSecretHandle } from './secret-handle.js';
import { SecretsLifecycle } from './secrets.lifecycle.js';

const SERVABLE = new Set(['fresh', 'stale', 'fallback']);

/** Registers definitions with the store and wraps their entries in handles. */
@Injectable()
export class SecretHandleFactory {
  /** One handle (one store binding) per definition, however many modules or calls ask for it. */
  private readonly handles = new Map<SecretDefinition<unknown>, Promise<SecretHandle<unknown>>>();

  constructor(
    @Inject(SECRET_STORE) private readonly store: SecretStore,
    @Inject(RESOLVED_SECRETS_OPTIONS) private readonly options: ResolvedSecretsOptions,
    private readonly transformer: SecretValueTransformer,
    private readonly lifecycle: SecretsLifecycle,
  ) {}

  /** The definition with `{variables}` in its secret name filled in. */
  resolve<T>(def: SecretDefinition<T>): SecretDefinition<T> {
    const secretId = renderSecretName(def.secretId, this.options.variables);
    if (secretId === def.secretId) return def;
    return Object.freeze({ ...def, secretId, ref: Object.freeze({ ...def.ref, secretId }) });
  }

  /**
   * The definition's shared handle, once loaded: until start-up it joins the start-up batch, after
   * it loads on demand (single-flight in the store). A `forFeature` handle resolves whatever the
   * start-up outcome (the init hook reports a failed start-up); with `load` (a read) a secret
   * without a value rejects: with the start-up error when start-up failed on it, else the store's.
   */
  create<T>(definition: SecretDefinition<T>, opts: { load?: boolean } = {}): Promise<SecretHandle<T>> {
    let slot = this.handles.get(definition);
    if (!slot) {
      const built = this.build(definition);
      slot = built;
      this.handles.set(definition, built);
      // A failed on-demand load is not cached: the next call tries again.
      built.catch(() => {
        if (this.handles.get(definition) === built) this.handles.delete(definition);
      });
    }
    return (opts.load ? slot.then((h) => this.withValue(h)) : slot) as Promise<SecretHandle<T>>;
  }

  /** A new handle, not shared, loaded on demand (tenant secrets, whose lifetime the tenant LRU decides). */
  async open<T>(definition: SecretDefinition<T>): Promise<SecretHandle<T>> {
    const def = this.resolve(definition);
    return this.wrap(await this.store.load<T>(this.input(def)), def);
  }

  private async build<T>(definition: SecretDefinition<T>): Promise<SecretHandle<T>> {
    const def = this.resolve(definition);
    if (!this.lifecycle.collecting) return this.wrap(await this.store.load<T>(this.input(def)), def);
    const entry = this.store.register<T>(this.input(def));
    await this.lifecycle.settled();
    return this.wrap(entry, def);
  }

  private withValue<T>(handle: SecretHandle<T>): SecretHandle<T> {
    if (SERVABLE.has(handle.state().state)) return handle;
    const failure = this.lifecycle.failure as { failures?: readonly { secretId: string }[] } | undefined;
    if (failure?.failures?.some((f) => f.secretId === handle.secretId)) throw failure;
    handle.get(); // throws the store's error naming the secret
    return handle;
  }

  private input<T>(def: SecretDefinition<T>): SecretDefinitionInput<T> {
    return {
      ref: def.ref,
      required: def.required,
      ...(def.ttlMs !== undefined ? { ttlMs: def.ttlMs } : {}),
      transform: (value: SecretValue) => this.transformer.transform(def, value),
    };
  }

  private wrap<T>(entry: SecretEntry<T>, def: SecretDefinition<T>): SecretHandle<T> {
    return new StoreSecretHandle<T>(entry, def, this.store, this.transformer);
  }
}
