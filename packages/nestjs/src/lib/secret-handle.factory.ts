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
   * Registers before start-up (loaded by the batched start), loads on demand after it
   * (lazy modules, imperative and tenant lookups; single-flight in the store).
   */
  create<T>(definition: SecretDefinition<T>, opts: { load?: boolean } = {}): Promise<SecretHandle<T>> {
    const existing = this.handles.get(definition);
    if (existing) return existing as Promise<SecretHandle<T>>;
    const created = this.build(definition, opts);
    this.handles.set(definition, created);
    // A failed on-demand load is not cached: the next call tries again.
    created.catch(() => this.handles.delete(definition));
    return created;
  }

  /** A new handle, not shared (tenant secrets, whose lifetime the tenant LRU decides). */
  open<T>(definition: SecretDefinition<T>, opts: { load?: boolean } = {}): Promise<SecretHandle<T>> {
    return this.build(definition, opts);
  }

  private async build<T>(definition: SecretDefinition<T>, opts: { load?: boolean }): Promise<SecretHandle<T>> {
    const def = this.resolve(definition);
    const input = {
      ref: def.ref,
      required: def.required,
      ...(def.ttlMs !== undefined ? { ttlMs: def.ttlMs } : {}),
      transform: (value: SecretValue) => this.transformer.transform(def, value),
    };
    const entry = this.lifecycle.started || opts.load === true ? await this.store.load<T>(input) : this.store.register<T>(input);
    return new StoreSecretHandle<T>(entry, def, this.store, this.transformer);
  }
}
