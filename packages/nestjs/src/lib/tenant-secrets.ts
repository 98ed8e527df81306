import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SecretNotFoundError, SecretScheduledForDeletionError, type SecretStore } from '@keyturn/core';
import type { SecretHandle } from './interfaces/secret-handle.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { RESOLVED_SECRETS_OPTIONS } from './secrets.internal-constants.js';
import type { ResolvedSecretsOptions } from './secrets-options.validator.js';
import { SECRETS_DEFAULTS } from './secrets.defaults.js';
import { renderSecretName } from './secret-name.template.js';
import { defineSecret } from './define-secret.js';
import { SecretHandleFactory } from './secret-handle.factory.js';
import { InvalidTenantIdError } from './errors/invalid-tenant-id.error.js';
import { TenantsNotConfiguredError } from './errors/tenants-not-configured.error.js';

const TENANT_ID = /^[A-Za-z0-9_+=.@-]{1,128}$/;
/** Errors that mean the tenant's secret is gone: its entry is dropped rather than served stale. */
const GONE_CODES = new Set(['ResourceNotFoundException', 'SecretNotFound', 'ScheduledForDeletion', 'SecretScheduledForDeletion']);

/**
 * Per-tenant secrets named by a template: loaded on first use (one load however many callers),
 * kept in a bounded LRU (the least recently used tenant is evicted from the store too), and
 * dropped when the secret is deleted.
 */
@Injectable()
export class TenantSecrets implements OnModuleInit, OnApplicationShutdown {
  private cache: LRUCache<string, Promise<SecretHandle<unknown>>> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(SECRET_STORE) private readonly store: SecretStore,
    @Inject(RESOLVED_SECRETS_OPTIONS) private readonly options: ResolvedSecretsOptions,
    private readonly handles: SecretHandleFactory,
  ) {}

  onModuleInit(): void {
    if (this.options.tenants === undefined) return;
    this.unsubscribe = this.store.on('error', (event: unknown) => this.onStoreError(event));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.cache?.clear();
  }

  /** The secret name of a tenant. */
  secretId(tenantId: string): string {
    const tenants = this.options.tenants;
    if (tenants === undefined) throw new TenantsNotConfiguredError();
    if (!TENANT_ID.test(tenantId) || tenantId === '.' || tenantId === '..') throw new InvalidTenantIdError(tenantId);
    return renderSecretName(tenants.template, { ...this.options.variables, tenant: tenantId });
  }

  /** The tenant's handle, loading the secret on first use. */
  handle<T>(tenantId: string): Promise<SecretHandle<T>> {
    const secretId = this.secretId(tenantId);
    const cache = this.lru();
    const cached = cache.get(tenantId);
    if (cached) return cached as Promise<SecretHandle<T>>;
    const tenants = this.options.tenants!;
    const def = defineSecret(secretId, {
      ...(tenants.schema !== undefined ? { schema: tenants.schema } : {}),
      ...(tenants.ttlMs !== undefined ? { ttlMs: tenants.ttlMs } : {}),
      required: false,
    });
    const loading = this.handles.open(def).then((handle) => {
      const state = handle.state();
      if (state.state === 'failed' || state.state === 'pending') {
        // An optional entry that could not load: report it like a missing required secret would be.
        handle.get();
      }
      return handle;
    });
    cache.set(tenantId, loading as Promise<SecretHandle<unknown>>);
    loading.catch(() => {
      if (cache.get(tenantId) === loading) cache.delete(tenantId);
    });
    return loading as Promise<SecretHandle<T>>;
  }

  /** Tenants currently loaded, most recently used first. */
  loadedTenants(): string[] {
    return [...(this.cache?.keys() ?? [])];
  }

  /** Forgets a tenant (its refresh loop stops). */
  evict(tenantId: string): void {
    this.cache?.delete(tenantId);
  }

  private lru(): LRUCache<string, Promise<SecretHandle<unknown>>> {
    this.cache ??= new LRUCache<string, Promise<SecretHandle<unknown>>>({
      max: this.options.tenants?.maxEntries ?? SECRETS_DEFAULTS.tenantMaxEntries,
      dispose: (_value, tenantId) => this.store.evict(this.secretId(tenantId)),
    });
    return this.cache;
  }

  private onStoreError(event: unknown): void {
    if (this.cache === undefined) return;
    const e = event as { secretId?: string; error?: { name?: string; code?: string }; code?: string; errorCode?: string };
    const code = e.error?.code ?? e.errorCode ?? e.code;
    const gone = (code !== undefined && GONE_CODES.has(code)) || e.error instanceof SecretNotFoundError || e.error instanceof SecretScheduledForDeletionError;
    if (!gone || e.secretId === undefined) return;
    for (const tenantId of this.cache.keys()) {
      if (this.secretId(tenantId) === e.secretId) this.cache.delete(tenantId);
    }
  }
}
