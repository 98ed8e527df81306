import { Inject, Injectable } from '@nestjs/common';
import type { KeyturnLogger, SecretState, SecretStore } from '@keyturn/core';
import { setModuleLogger } from './connection-logger.js';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import type { SecretHandle } from './interfaces/secret-handle.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { KEYTURN_LOGGER } from './secrets.internal-constants.js';
import { SecretHandleFactory } from './secret-handle.factory.js';
import { TenantSecrets } from './tenant-secrets.js';

/**
 * Imperative access to secrets: definitions not registered with `forFeature`, per-tenant
 * secrets, and the state of everything loaded. Values are never logged or printed.
 */
@Injectable()
export class SecretsService {
  constructor(
    @Inject(SECRET_STORE) private readonly secretStore: SecretStore,
    private readonly handles: SecretHandleFactory,
    private readonly tenants: TenantSecrets,
    @Inject(KEYTURN_LOGGER) logger: KeyturnLogger,
  ) {
    setModuleLogger(this, logger);
  }

  /** The `SecretStore` from @keyturn/core behind the module (events, metrics, forced refresh). */
  get store(): SecretStore {
    return this.secretStore;
  }

  /**
   * A handle for a definition, loading it on demand, also before start-up (e.g. from a provider
   * factory); concurrent calls share one fetch, and the same secret shares one cache entry and
   * refresh loop with every other registration.
   * @example const stripe = await secrets.handle(stripeSecret); stripe.get().apiKey
   */
  handle<T>(def: SecretDefinition<T>): Promise<SecretHandle<T>> {
    return this.handles.create(def, { load: true });
  }

  /** The current validated value of a definition, loading it on demand. */
  async get<T>(def: SecretDefinition<T>): Promise<T> {
    return (await this.handle(def)).get();
  }

  /**
   * A tenant's secret (named by `tenants.template`), validated with `tenants.schema`; loaded on
   * first use, single-flight, kept in a bounded LRU, evicted when the secret is deleted.
   * @example const creds = await secrets.forTenant<ClientCredentials>('acme');
   */
  async forTenant<T = unknown>(tenantId: string): Promise<T> {
    return (await this.tenants.handle<T>(tenantId)).get();
  }

  /** A tenant's handle (for `changes$` and `state()`). */
  tenantHandle<T = unknown>(tenantId: string): Promise<SecretHandle<T>> {
    return this.tenants.handle<T>(tenantId);
  }

  /** The secret name a tenant maps to. */
  tenantSecretId(tenantId: string): string {
    return this.tenants.secretId(tenantId);
  }

  /** Tenants currently cached, most recently used first. */
  loadedTenants(): string[] {
    return this.tenants.loadedTenants();
  }

  /** State of every loaded secret (version, age, source, freshness), never values. */
  states(): SecretState[] {
    return this.secretStore.states();
  }
}
