import { Inject, Injectable, Optional } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { SecretState, SecretStore } from '@keyturn/core';
import { SECRETS_PRIVATE_STORE } from '../lib/secrets.internal-constants.js';
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
}

/**
 * Terminus health indicator for Keyturn secrets.
 * - up: every required secret is fresh;
 * - degraded (reported up with `state: 'degraded'`, or down with `degradedAs: 'down'`): stale values
 *   served within their bound, a fallback source in use, a rotated version rejected, or an optional secret failing;
 * - down: a required secret has no usable value, or its stale bound has passed.
 * Never throws; the payload lists ids, states and error codes, never values.
 */
@Injectable()
export class SecretsHealthIndicator {
  private readonly options: Required<SecretsHealthOptions>;

  constructor(
    private readonly health: HealthIndicatorService,
    // The core module's own export: found with `isGlobal: false` too.
    @Inject(SECRETS_PRIVATE_STORE) private readonly store: SecretStore,
    @Optional() @Inject(SECRETS_HEALTH_OPTIONS) options?: SecretsHealthOptions,
  ) {
    this.options = { ...SECRETS_HEALTH_DEFAULTS, ...options };
  }

  /** Same as {@link check}; the name Terminus examples use. */
  isHealthy<const Key extends string = 'secrets'>(key: Key = 'secrets' as Key): HealthIndicatorResult<Key> {
    return this.check(key);
  }

  check<const Key extends string = 'secrets'>(key: Key = 'secrets' as Key): HealthIndicatorResult<Key> {
    const session = this.health.check(key);
    let states: SecretState[];
    try {
      states = this.store.states();
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
      } else if (s.state === 'stale' || s.state === 'fallback' || s.rejectedVersionId !== undefined) {
        degraded.push(s.secretId);
      }
    }
    if (failing.length > 0) return session.down({ state: 'down', failing, degraded, secrets });
    if (degraded.length > 0) {
      const data = { state: 'degraded', degraded, secrets };
      return this.options.degradedAs === 'down' ? session.down(data) : session.up(data);
    }
    return session.up({ state: 'up', secrets });
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
  };
}
