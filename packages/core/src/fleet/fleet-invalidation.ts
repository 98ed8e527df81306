import { randomUUID } from 'node:crypto';
import type { KeyturnLogger } from '../observability/audit.js';
import type { FleetMessageOutcome, FleetMetricsSnapshot } from '../observability/metrics.js';
import type { SecretStore } from '../store/secret-store.js';
import type { SecretState } from '../store/store.types.js';
import { INSPECT } from '../values/redaction.js';
import { FLEET_DEFAULTS } from './fleet.defaults.js';
import type { InvalidationBus } from './invalidation-bus.js';
import type { InvalidationMessage, InvalidMessageReason } from './invalidation-message.js';
import { TokenBucket } from './token-bucket.js';

/** What the fleet needs of a store (a `SecretStore` fits). */
export type FleetStore = Pick<SecretStore, 'states' | 'invalidate' | 'on' | 'reportFleetEvent'>;

/** Options of {@link attachInvalidationBus}. */
export interface FleetInvalidationOptions {
  /**
   * This instance's id, sent as `origin` (an instance ignores its own messages).
   * @default a random UUID
   */
  instanceId?: string;
  /**
   * Refreshes that received messages may trigger per second (the token bucket's refill rate).
   * Messages beyond it are held back and refresh when the bucket refills, so a flood of forged
   * messages costs at most `refreshBurst + maxRefreshRate × seconds` fetches.
   * @default 10
   */
  maxRefreshRate?: number;
  /**
   * Refreshes that may start at once before `maxRefreshRate` applies (the bucket's size).
   * @default 20
   */
  refreshBurst?: number;
  /**
   * Publish when this instance takes a new AWSCURRENT version it did not learn from the bus.
   * @default true
   */
  publishRotations?: boolean;
  /** Logger (ids and reasons only, never message content beyond ids). */
  logger?: KeyturnLogger;
  /** Clock of the rate limiter (tests). @default Date.now */
  now?: () => number;
}

/** What {@link FleetInvalidation.stats} reports (health details). */
export interface FleetInvalidationStats extends Omit<FleetMetricsSnapshot, 'leader'> {
  instanceId: string;
  /** Whether the bus says it is connected (undefined when it cannot tell). */
  connected?: boolean;
  /** Secrets with a refresh planned or under way because of the bus, and held back by the rate limit. */
  pending: number;
  deferred: number;
  /** The last valid message received from another instance (ids only). */
  lastMessage?: { secretId: string; versionId: string; origin?: string; at: Date };
}

/**
 * Connects a store to a fleet bus:
 * - a received message for a secret the store holds at another version invalidates it (the
 *   store's `invalidate` seam: a fetch in the next turn, batched with other invalidations); messages for
 *   a secret whose refresh is still pending join it; refreshes go through a token bucket, and those
 *   over the rate wait for a token instead of being lost;
 * - a new AWSCURRENT version this instance takes (a `rotation` event) is published, unless the
 *   bus told it of that version;
 * - invalid messages are dropped and counted (the reason only).
 * Counters go to the store's metrics (`metrics().fleet`, `keyturn.fleet.messages`).
 */
export class FleetInvalidation {
  readonly instanceId: string;
  readonly #store: FleetStore;
  readonly #bus: InvalidationBus;
  readonly #options: FleetInvalidationOptions;
  readonly #bucket: TokenBucket;
  readonly #pending = new Set<string>();
  readonly #deferred = new Set<string>();
  /** Versions heard of on the bus, per held secret (not published again when taken). */
  readonly #heard = new Map<string, string>();
  readonly #counts: Record<FleetMessageOutcome, number> = { received: 0, published: 0, dropped: 0, rate_limited: 0, coalesced: 0, refresh: 0 };
  #last?: FleetInvalidationStats['lastMessage'];
  #unsubscribe?: () => void;
  #drainTimer?: ReturnType<typeof setTimeout>;
  #stopped = false;

  private constructor(store: FleetStore, bus: InvalidationBus, options: FleetInvalidationOptions) {
    this.#store = store;
    this.#bus = bus;
    this.#options = options;
    this.instanceId = options.instanceId ?? randomUUID();
    this.#bucket = new TokenBucket({ ratePerSecond: options.maxRefreshRate ?? FLEET_DEFAULTS.maxRefreshRate, burst: options.refreshBurst ?? FLEET_DEFAULTS.refreshBurst, now: options.now });
  }

  /** See {@link attachInvalidationBus}. */
  static async attach(store: FleetStore, bus: InvalidationBus, options: FleetInvalidationOptions = {}): Promise<FleetInvalidation> {
    const fleet = new FleetInvalidation(store, bus, options);
    await fleet.#start();
    return fleet;
  }

  async #start(): Promise<void> {
    this.#bus.onInvalid?.((reason) => this.#invalid(reason));
    if (this.#options.publishRotations !== false) {
      this.#unsubscribe = this.#store.on('rotation', (event) => {
        if (event.stage === 'AWSCURRENT') void this.#published(event.secretId, event.versionId);
      });
    }
    await this.#bus.subscribe((message) => this.#receive(message));
  }

  /** Publishes a message as this instance (counted; a failure is logged with ids only and not thrown). */
  async publish(message: InvalidationMessage): Promise<boolean> {
    try {
      await this.#bus.publish({ ...message, origin: message.origin ?? this.instanceId });
      this.#count('published');
      return true;
    } catch (error) {
      this.#options.logger?.warn(`fleet bus: publishing version ${message.versionId} of secret "${message.secretId}" failed (${(error as Error)?.name ?? 'Error'})`, { secretId: message.secretId });
      return false;
    }
  }

  stats(): FleetInvalidationStats {
    const c = this.#counts;
    return {
      instanceId: this.instanceId,
      connected: this.#bus.connected?.(),
      received: c.received,
      published: c.published,
      dropped: c.dropped,
      rateLimited: c.rate_limited,
      coalesced: c.coalesced,
      refreshes: c.refresh,
      pending: this.#pending.size,
      deferred: this.#deferred.size,
      lastMessage: this.#last,
    };
  }

  /** Stops listening to the store and the bus, and closes the bus (not the Redis clients it was given). */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.#deferred.clear();
    await this.#bus.close();
  }

  async #published(secretId: string, versionId: string): Promise<void> {
    const heard = this.#heard.get(secretId);
    this.#heard.delete(secretId);
    if (heard === versionId) return;
    const region = currentState(this.#store.states(secretId))?.region;
    await this.publish({ secretId, versionId, ...(region ? { region } : {}) });
  }

  #receive(message: InvalidationMessage): void {
    if (this.#stopped || message.origin === this.instanceId) return;
    this.#count('received');
    this.#last = { secretId: message.secretId, versionId: message.versionId, ...(message.origin ? { origin: message.origin } : {}), at: new Date() };
    if (!this.#outdated(message.secretId, message.versionId)) return;
    this.#heard.set(message.secretId, message.versionId);
    if (this.#pending.has(message.secretId) || this.#deferred.has(message.secretId)) {
      this.#count('coalesced');
      return;
    }
    if (!this.#bucket.tryTake()) {
      this.#count('rate_limited');
      this.#deferred.add(message.secretId);
      this.#armDrain();
      return;
    }
    this.#refresh(message.secretId);
  }

  /** Whether the store holds `secretId` (AWSCURRENT) at a version other than `versionId`. */
  #outdated(secretId: string, versionId: string): boolean {
    const current = currentState(this.#store.states(secretId));
    return current !== undefined && current.versionId !== versionId;
  }

  #refresh(secretId: string): void {
    this.#count('refresh');
    this.#pending.add(secretId);
    void this.#store.invalidate(secretId).then(() => this.#pending.delete(secretId));
  }

  #armDrain(): void {
    if (this.#drainTimer || this.#stopped) return;
    this.#drainTimer = setTimeout(() => this.#drain(), this.#bucket.msUntilToken());
    this.#drainTimer.unref?.();
  }

  #drain(): void {
    this.#drainTimer = undefined;
    for (const secretId of this.#deferred) {
      const heard = this.#heard.get(secretId);
      if (heard === undefined || !this.#outdated(secretId, heard)) {
        this.#deferred.delete(secretId);
        continue;
      }
      if (!this.#bucket.tryTake()) break;
      this.#deferred.delete(secretId);
      this.#refresh(secretId);
    }
    if (this.#deferred.size > 0) this.#armDrain();
  }

  #invalid(reason: InvalidMessageReason): void {
    this.#count('dropped');
    const n = this.#counts.dropped;
    // The first, then every power of ten: a flood of invalid messages does not flood the log.
    if (Number.isInteger(Math.log10(n))) this.#options.logger?.warn(`fleet bus: dropped an invalid message (${reason}); ${n} dropped so far`);
  }

  #count(outcome: FleetMessageOutcome): void {
    this.#counts[outcome]++;
    this.#store.reportFleetEvent({ type: 'message', outcome });
  }

  toString(): string {
    return `FleetInvalidation(${this.instanceId})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** The entry reading AWSCURRENT among a secret's entries. */
export function currentState(states: readonly SecretState[]): SecretState | undefined {
  return states.find((s) => s.versionStage === undefined && s.requestedVersionId === undefined);
}

/**
 * Connects `store` to `bus` (see {@link FleetInvalidation}); resolves once subscribed.
 * @example
 * const fleet = await attachInvalidationBus(store, new RedisInvalidationBus({ publisher, subscriber }));
 * // later: fleet.stats(); await fleet.stop();
 */
export function attachInvalidationBus(store: FleetStore, bus: InvalidationBus, options?: FleetInvalidationOptions): Promise<FleetInvalidation> {
  return FleetInvalidation.attach(store, bus, options);
}
