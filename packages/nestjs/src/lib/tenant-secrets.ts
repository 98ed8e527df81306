import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { SecretNotFoundError, SecretScheduledForDeletionError, type SecretStore } from '@keyturn/core';
import type { SecretHandle } from './interfaces/secret-handle.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { RESOLVED_SECRETS_OPTIONS, SECRET_STORE_RESOURCES } from './secrets.internal-constants.js';
import type { SecretStoreResources } from './secret-store.factory.js';
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

/** A loaded (or loading) tenant, cached under its secret id. */
interface TenantSlot {
  readonly tenantId: string;
  readonly handle: Promise<SecretHandle<unknown>>;
}

/**
 * Per-tenant secrets named by a template: loaded on first use (one load however many callers),
 * kept in a bounded LRU (the least recently used tenant is evicted from the store too), and
 * dropped when the secret is deleted. The LRU is keyed by secret id, so eviction and a store error
 * touch only the tenant concerned.
 */
@Injectable()
export class TenantSecrets implements OnModuleInit, OnApplicationShutdown {
  private cache: LRUCache<string, TenantSlot> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Set on shutdown when the store goes away with the module: its entries need no eviction one by one. */
  private dropping = false;

  constructor(
    @Inject(SECRET_STORE) private readonly store: SecretStore,
    @Inject(RESOLVED_SECRETS_OPTIONS) private readonly options: ResolvedSecretsOptions,
    private readonly handles: SecretHandleFactory,
    @Inject(SECRET_STORE_RESOURCES) private readonly resources: SecretStoreResources,
  ) {}

  onModuleInit(): void {
    if (this.options.tenants === undefined) return;
    this.unsubscribe = this.store.on('error', (event: unknown) => this.onStoreError(event));
  }

  onApplicationShutdown(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    // A store the module built is stopped and dropped with it; a store passed in stays the
    // application's, so the tenant entries this module added leave it.
    this.dropping = this.resources.ownsStore;
    this.cache?.clear();
    this.cache = undefined;
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
    const cached = cache.get(secretId);
    if (cached) return cached.handle as Promise<SecretHandle<T>>;
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
    const slot: TenantSlot = { tenantId, handle: loading as Promise<SecretHandle<unknown>> };
    cache.set(secretId, slot);
    loading.catch(() => {
      if (cache.peek(secretId) === slot) cache.delete(secretId);
    });
    return loading as Promise<SecretHandle<T>>;
  }

  /** Tenants currently loaded, most recently used first. */
  loadedTenants(): string[] {
    return Array.from(this.cache?.values() ?? [], (slot) => slot.tenantId);
  }

  /** Forgets a tenant (its refresh loop stops). */
  evict(tenantId: string): void {
    this.cache?.delete(this.secretId(tenantId));
  }

  private lru(): LRUCache<string, TenantSlot> {
    this.cache ??= new LRUCache<string, TenantSlot>({
      max: this.options.tenants?.maxEntries ?? SECRETS_DEFAULTS.tenantMaxEntries,
      dispose: (_slot, secretId) => {
        if (!this.dropping) this.store.evict(secretId);
      },
    });
    return this.cache;
  }

  private onStoreError(event: unknown): void {
    if (this.cache === undefined) return;
    const e = event as { secretId?: string; error?: { name?: string; code?: string }; code?: string; errorCode?: string };
    const code = e.error?.code ?? e.errorCode ?? e.code;
    const gone = (code !== undefined && GONE_CODES.has(code)) || e.error instanceof SecretNotFoundError || e.error instanceof SecretScheduledForDeletionError;
    if (!gone || e.secretId === undefined) return;
    this.cache.delete(e.secretId);
  }
}
