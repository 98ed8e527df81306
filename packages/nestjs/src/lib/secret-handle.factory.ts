import { Inject, Injectable } from '@nestjs/common';
import type { SecretStore, SecretValue } from '@keyturn/core';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import type { SecretHandle } from './interfaces/secret-handle.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { RESOLVED_SECRETS_OPTIONS } from './secrets.internal-constants.js';
import type { ResolvedSecretsOptions } from './secrets-options.validator.js';
import { renderSecretName } from './secret-name.template.js';
import { SecretValueTransformer } from './secret-value.transformer.js';
import { StoreSecretHandle } from './secret-handle.js';
import { SecretsLifecycle } from './secrets.lifecycle.js';
import { earlyLoadFailure } from './early-load-failure.js';

/** A definition's shared handle and whether it was loaded (not only registered) when created. */
interface HandleSlot {
  readonly handle: Promise<SecretHandle<unknown>>;
  readonly loaded: boolean;
}

/** Registers definitions with the store and wraps their entries in handles. */
@Injectable()
export class SecretHandleFactory {
  /** One handle (one store binding) per definition, however many modules or calls ask for it. */
  private readonly handles = new Map<SecretDefinition<unknown>, HandleSlot>();

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
   * Before start-up, registers (loaded by the batched start) unless `load` is set; with `load`
   * (a provider factory reading a secret before start-up) and after start-up (lazy modules,
   * imperative lookups), loads on demand, single-flight in the store.
   */
  create<T>(definition: SecretDefinition<T>, opts: { load?: boolean } = {}): Promise<SecretHandle<T>> {
    const load = opts.load === true || this.lifecycle.started;
    const existing = this.handles.get(definition);
    // A handle registered before start-up was loaded by the start; only an early on-demand read
    // of a definition so far only registered needs a load of its own.
    if (existing && (existing.loaded || !load || this.lifecycle.started)) return existing.handle as Promise<SecretHandle<T>>;
    const slot: HandleSlot = { handle: this.build(definition, load), loaded: load };
    this.handles.set(definition, slot);
    // A failed on-demand load is not cached: the next call tries again.
    slot.handle.catch(() => {
      if (this.handles.get(definition) !== slot) return;
      if (existing) this.handles.set(definition, existing);
      else this.handles.delete(definition);
    });
    return slot.handle as Promise<SecretHandle<T>>;
  }

  /** A new handle, not shared (tenant secrets, whose lifetime the tenant LRU decides). */
  open<T>(definition: SecretDefinition<T>, opts: { load?: boolean } = {}): Promise<SecretHandle<T>> {
    return this.build(definition, opts.load === true || this.lifecycle.started);
  }

  private async build<T>(definition: SecretDefinition<T>, load: boolean): Promise<SecretHandle<T>> {
    const def = this.resolve(definition);
    const input = {
      ref: def.ref,
      required: def.required,
      ...(def.ttlMs !== undefined ? { ttlMs: def.ttlMs } : {}),
      transform: (value: SecretValue) => this.transformer.transform(def, value),
    };
    const beforeStartUp = () => !this.lifecycle.started;
    if (!load) return new StoreSecretHandle<T>(this.store.register<T>(input), def, this.store, this.transformer, beforeStartUp);
    const entry = await this.store.load<T>(input).catch(async (error: unknown) => {
      throw beforeStartUp() ? await earlyLoadFailure(this.store, def.secretId, error) : error;
    });
    return new StoreSecretHandle<T>(entry, def, this.store, this.transformer, beforeStartUp);
  }
}
