import { Inject, Injectable, Optional, type OnApplicationBootstrap } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { summarizeMismatch, type MismatchSummary, type SecretState, type SecretStore } from '@keyturn/core';
import type { MigrationView } from '../lib/secret-store.factory.js';
import { SECRETS_CONFIG_STORE, SECRETS_PRIVATE_FLEET, SECRETS_PRIVATE_MIGRATION, SECRETS_PRIVATE_STORE } from '../lib/secrets.internal-constants.js';
import type { SecretsFleet } from '../lib/secrets-fleet.js';
import { SECRETS_HEALTH_DEFAULTS, SECRETS_HEALTH_OPTIONS, type SecretsHealthOptions } from './secrets-health.options.js';

/** Per-secret detail in the health payload: freshness and provenance, never the value. */
export interface SecretHealthDetail {
  state: SecretState['state'];
  required: boolean;
  source?: string;
  versionId?: string;
  ageMs?: number;
  lastErrorCode?: string;
  staleUntil?: string;
  rejectedVersionId?: string;
  /** The AWS region that served the value (with replica regions). */
  region?: string;
  /** Set while the value comes from a replica region because the primary failed transiently (degraded). */
  replicaOf?: string;
  /**
   * `'unfinished'` while AWSPENDING authenticates where AWSCURRENT is rejected: the credentials
   * changed and the rotation did not finish (resume it: `keyturn secrets rotate <id> --resume`).
   */
  rotation?: 'unfinished';
  /** The AWSPENDING version that holds the working credentials, when known. */
  pendingVersionId?: string;
}

/** The fleet bus in the health payload (ids and counters only). */
export interface SecretsFleetHealthDetail {
  connected?: boolean;
  leader?: boolean;
  watcherMode?: string;
  received: number;
  published: number;
  dropped: number;
  rateLimited: number;
  lastMessage?: { secretId: string; versionId: string; at: string };
}

function fleetDetail(f: NonNullable<ReturnType<SecretsFleet['health']>>): SecretsFleetHealthDetail {
  return {
    connected: f.connected,
    ...(f.watcher ? { leader: f.watcher.leader, watcherMode: f.watcher.mode } : {}),
    received: f.received,
    published: f.published,
    dropped: f.dropped,
    rateLimited: f.rateLimited,
    ...(f.lastMessage ? { lastMessage: { secretId: f.lastMessage.secretId, versionId: f.lastMessage.versionId, at: f.lastMessage.at.toISOString() } } : {}),
  };
}

/** Per-call options of {@link SecretsHealthIndicator.check}. */
export interface SecretsHealthCheckOptions {
  /**
   * Name each secret in the payload (state, source, version, error code); `false` gives counts only.
   * @default the module's `details` option (true)
   */
  details?: boolean;
}

/** Migration mode in the health payload: the side served and the open mismatches (key paths and versions, never values). */
export interface SecretsMigrationHealth {
  prefer: 'old' | 'new';
  mismatches: (MismatchSummary & { secretId: string; served: 'old' | 'new'; since: string })[];
}

/**
 * Terminus health indicator for Keyturn secrets.
 * - up: every required secret is fresh;
 * - degraded (reported up with `state: 'degraded'`, or down with `degradedAs: 'down'`): stale values
 *   served within their bound, a fallback source or a replica region in use, a rotated version rejected, a rotation unfinished
 *   (AWSPENDING holds the working credentials), or an optional secret failing;
 * - down: a required secret has no usable value, or its stale bound has passed.
 * In migration mode the payload has a `migration` entry listing open mismatches; they do not change the status.
 * With the `invalidation` option it has a `fleet` entry (bus connected, watcher leader, message
 * counters, the last message's ids); a bus that is down does not change the status either (the
 * secrets still refresh on their TTL).
 * Secrets of `secretsConfigLoader` namespaces with a store of their own are reported with the module's.
 * Never throws; the payload lists ids, states and error codes, never values.
 */
@Injectable()
export class SecretsHealthIndicator implements OnApplicationBootstrap {
  private readonly options: Required<SecretsHealthOptions>;
  /** Stores of `secretsConfigLoader` namespaces other than the module's, found once the application is built. */
  private loaderStores?: SecretStore[];

  constructor(
    private readonly health: HealthIndicatorService,
    // The core module's own export: found with `isGlobal: false` too.
    @Inject(SECRETS_PRIVATE_STORE) private readonly store: SecretStore,
    @Optional() @Inject(SECRETS_HEALTH_OPTIONS) options?: SecretsHealthOptions,
    @Optional() @Inject(SECRETS_PRIVATE_MIGRATION) private readonly migration?: readonly MigrationView[],
    @Optional() private readonly modules?: ModulesContainer,
    @Optional() @Inject(SECRETS_PRIVATE_FLEET) private readonly fleet?: SecretsFleet,
  ) {
    this.options = { ...SECRETS_HEALTH_DEFAULTS, ...options };
  }

  onApplicationBootstrap(): void {
    this.loaderStores = this.findLoaderStores();
  }

  /** Same as {@link check}; the name Terminus examples use. */
  isHealthy<const Key extends string = 'secrets'>(key: Key = 'secrets' as Key, options?: SecretsHealthCheckOptions): HealthIndicatorResult<Key> {
    return this.check(key, options);
  }

  /**
   * The secrets' health under `key`. For a readiness probe: a degraded state stays up (by default),
   * a required secret without a usable value is down. A liveness probe should not call it (an AWS
   * outage must not restart the process).
   * @param options.details overrides the module's `details` for this call (e.g. only for authenticated operators)
   */
  check<const Key extends string = 'secrets'>(key: Key = 'secrets' as Key, options: SecretsHealthCheckOptions = {}): HealthIndicatorResult<Key> {
    const session = this.health.check(key);
    let states: SecretState[];
    try {
      this.loaderStores ??= this.findLoaderStores();
      states = this.loaderStores.length === 0 ? this.store.states() : [this.store, ...this.loaderStores].flatMap((store) => store.states());
    } catch (err) {
      return session.down({ state: 'down', error: err instanceof Error ? err.name : 'UnknownError' });
    }
    const now = Date.now();
    const failing: string[] = [];
    const degraded: string[] = [];
    const secrets: Record<string, SecretHealthDetail> = {};
    for (const s of states) {
      secrets[s.secretId] = detail(s);
      const expired = s.staleUntil !== undefined && new Date(s.staleUntil).getTime() <= now && s.state === 'stale';
      const unusable = s.state === 'failed' || s.state === 'pending' || expired;
      if (unusable) {
        if (s.required) failing.push(s.secretId);
        else if (this.options.includeOptional) degraded.push(s.secretId);
      } else if (s.state === 'stale' || s.state === 'fallback' || s.rejectedVersionId !== undefined || s.rotationUnfinished !== undefined || s.replica !== undefined) {
        degraded.push(s.secretId);
      }
    }
    if (!(options.details ?? this.options.details)) {
      // Counts only: no secret id, version or error code for callers that may not see them.
      const counts = { total: states.length, failing: failing.length, degraded: degraded.length };
      if (failing.length > 0) return session.down({ state: 'down', counts });
      if (degraded.length > 0) return this.options.degradedAs === 'down' ? session.down({ state: 'degraded', counts }) : session.up({ state: 'degraded', counts });
      return session.up({ state: 'up', counts });
    }
    const migration = this.#migration();
    const fleet = this.fleet?.health();
    const extra: { migration?: SecretsMigrationHealth; fleet?: SecretsFleetHealthDetail } = { ...(migration ? { migration } : {}), ...(fleet ? { fleet: fleetDetail(fleet) } : {}) };
    if (failing.length > 0) return session.down({ state: 'down', failing, degraded, secrets, ...extra });
    if (degraded.length > 0) {
      const data: Record<string, unknown> = { state: 'degraded', degraded, secrets, ...extra };
      return this.options.degradedAs === 'down' ? session.down(data) : session.up(data);
    }
    return session.up({ state: 'up', secrets, ...extra });
  }

  #migration(): SecretsMigrationHealth | undefined {
    const views = this.migration ?? [];
    if (views.length === 0) return undefined;
    const mismatches = views.flatMap((v) =>
      v.mismatches().map((m) => ({ secretId: m.secretId, ...summarizeMismatch(m), served: m.served, since: m.at.toISOString() })),
    );
    return { prefer: views[0].prefer, mismatches };
  }

  /** Namespace objects of `secretsConfigLoader` carry their store; the providers are scanned once. */
  private findLoaderStores(): SecretStore[] {
    const found = new Set<SecretStore>();
    for (const moduleRef of this.modules?.values() ?? []) {
      for (const wrapper of moduleRef.providers.values()) {
        const instance: unknown = wrapper.isDependencyTreeStatic() ? wrapper.instance : undefined;
        const store = instance !== null && typeof instance === 'object' ? (instance as { [SECRETS_CONFIG_STORE]?: SecretStore })[SECRETS_CONFIG_STORE] : undefined;
        if (store !== undefined && store !== this.store) found.add(store);
      }
    }
    return [...found];
  }
}

function detail(s: SecretState): SecretHealthDetail {
  return {
    state: s.state,
    required: s.required,
    ...(s.source !== undefined ? { source: s.source } : {}),
    ...(s.versionId !== undefined ? { versionId: s.versionId } : {}),
    ...(s.ageMs !== undefined ? { ageMs: s.ageMs } : {}),
    ...(s.lastErrorCode !== undefined ? { lastErrorCode: s.lastErrorCode } : {}),
    ...(s.staleUntil !== undefined ? { staleUntil: new Date(s.staleUntil).toISOString() } : {}),
    ...(s.rejectedVersionId !== undefined ? { rejectedVersionId: s.rejectedVersionId } : {}),
    ...(s.region !== undefined ? { region: s.region } : {}),
    ...(s.replica !== undefined ? { replicaOf: s.replica.primaryRegion } : {}),
    ...(s.rotationUnfinished !== undefined ? { rotation: 'unfinished' as const } : {}),
    ...(s.rotationUnfinished?.pendingVersionId !== undefined ? { pendingVersionId: s.rotationUnfinished.pendingVersionId } : {}),
  };
}
