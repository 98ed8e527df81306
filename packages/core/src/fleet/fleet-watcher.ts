import { DescribeSecretCommand, ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { errorCode, isTransientError } from '../errors/classify-error.js';
import type { KeyturnLogger } from '../observability/audit.js';
import { mapLimit } from '../sources/map-limit.js';
import { INSPECT } from '../values/redaction.js';
import { currentState, type FleetStore } from './fleet-invalidation.js';
import { FLEET_DEFAULTS } from './fleet.defaults.js';
import type { RedisCommandClient } from './invalidation-bus.js';
import type { InvalidationMessage } from './invalidation-message.js';

/** Renews the lock only while this instance holds it (the value is the holder's token). */
const RENEW_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
/** Releases the lock only while this instance holds it. */
const RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const DESCRIBE_CONCURRENCY = 4;
/** ListSecrets' largest page. */
const PAGE_SIZE = 100;

/** Options of {@link FleetWatcher}. */
export interface FleetWatcherOptions {
  /** Redis client for the lock (a command connection; the bus's publisher fits). */
  redis: RedisCommandClient;
  /** Where changes are published (usually through `FleetInvalidation.publish`, which counts them). */
  publish: (message: InvalidationMessage) => Promise<unknown>;
  /** The Secrets Manager client (the store's: `AwsSecretsManagerSource.client`). */
  client: Pick<SecretsManagerClient, 'send'>;
  /** The store: its secrets are the DescribeSecret fallback's list and the baseline of a new leader. */
  store: FleetStore;
  /**
   * Name prefix of the secrets watched (ListSecrets' `name` filter). Empty watches every secret the caller may list.
   * @example 'app/prod/'
   */
  prefix: string;
  /**
   * How often the leader lists versions.
   * @default 10_000
   */
  intervalMs?: number;
  /**
   * Expiry of the lock; renewed every third of it while held, so another instance takes over
   * at most this long after the holder dies.
   * @default 30_000
   */
  lockTtlMs?: number;
  /** @default 'keyturn:watcher' */
  lockKey?: string;
  /** Sent as the origin of the messages (`watcher:<id>`; its own instance acts on them too). @default a random UUID */
  instanceId?: string;
  /** The region named in messages. */
  region?: string;
  logger?: KeyturnLogger;
}

/** What {@link FleetWatcher.status} reports. */
export interface FleetWatcherStatus {
  leader: boolean;
  /** `ListSecrets`, or `DescribeSecret` after ListSecrets was refused. */
  mode: 'ListSecrets' | 'DescribeSecret';
  lastPollAt?: Date;
  /** Error code of the last failed poll or lock operation. */
  lastErrorCode?: string;
  /** Secrets whose versions are known. */
  watched: number;
}

/**
 * One elected watcher per fleet finds out-of-band changes (a version put by an operator, a rotation
 * Lambda) and publishes them on the bus. Election: a Redis lock (`SET key token NX PX ttl`), renewed
 * while held and released with a compare-and-delete script; when the holder dies, the lock expires
 * and another instance takes it. The leader lists AWSCURRENT versions every `intervalMs` with
 * ListSecrets filtered by name prefix (one call per 100 secrets: ListSecrets' `SecretVersionsToStages`),
 * or, where ListSecrets is refused, with DescribeSecret for each secret the store holds; a version
 * that differs from the last one seen (or, on a new leader's first pass, from the one the store
 * holds) is published.
 */
export class FleetWatcher {
  readonly #o: FleetWatcherOptions;
  readonly #token = randomUUID();
  readonly #origin: string;
  readonly #seen = new Map<string, string>();
  #leaseUntil = 0;
  #mode: FleetWatcherStatus['mode'] = 'ListSecrets';
  #lockTimer?: ReturnType<typeof setTimeout>;
  #pollTimer?: ReturnType<typeof setTimeout>;
  #lastPollAt?: Date;
  #lastErrorCode?: string;
  #running = false;
  #leader = false;

  constructor(options: FleetWatcherOptions) {
    this.#o = options;
    this.#origin = `watcher:${options.instanceId ?? randomUUID()}`;
  }

  get #ttl(): number {
    return this.#o.lockTtlMs ?? FLEET_DEFAULTS.lockTtlMs;
  }

  get #key(): string {
    return this.#o.lockKey ?? FLEET_DEFAULTS.lockKey;
  }

  /** Whether this instance holds the lock (and its lease has not run out). */
  get leader(): boolean {
    return this.#leader && Date.now() < this.#leaseUntil;
  }

  status(): FleetWatcherStatus {
    return { leader: this.leader, mode: this.#mode, lastPollAt: this.#lastPollAt, lastErrorCode: this.#lastErrorCode, watched: this.#seen.size };
  }

  /** Starts competing for the lock (the first attempt is awaited). */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#lockTick();
    this.#schedulePoll();
  }

  /**
   * Stops watching. By default the lock is released (another instance takes over at once);
   * `release: false` leaves it to expire, as a crash would.
   */
  async stop(options: { release?: boolean } = {}): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    if (this.#lockTimer) clearTimeout(this.#lockTimer);
    if (this.#pollTimer) clearTimeout(this.#pollTimer);
    this.#lockTimer = this.#pollTimer = undefined;
    const held = this.#leader;
    this.#setLeader(false);
    if (held && options.release !== false) await this.#o.redis.call('EVAL', RELEASE_SCRIPT, 1, this.#key, this.#token).catch(() => undefined);
  }

  /** One pass now (the leader's timer calls it; tests may too). Does nothing unless leading. */
  async poll(): Promise<void> {
    if (!this.leader) return;
    let versions: Map<string, string> | undefined;
    try {
      versions = this.#mode === 'ListSecrets' ? await this.#list() : await this.#describe();
    } catch (error) {
      if (this.#mode === 'ListSecrets' && !isTransientError(error)) {
        this.#mode = 'DescribeSecret';
        this.#o.logger?.warn(`fleet watcher: ListSecrets was refused (${errorCode(error) ?? 'error'}); watching the store's secrets with DescribeSecret instead (allow secretsmanager:ListSecrets on "*" for one call per 100 secrets)`);
        versions = await this.#describe().catch(() => undefined);
      } else this.#failed(error);
    }
    if (!versions || !this.leader) return;
    this.#lastPollAt = new Date();
    for (const [name, versionId] of versions) {
      const before = this.#seen.get(name) ?? currentState(this.#o.store.states(name))?.versionId;
      this.#seen.set(name, versionId);
      if (before === undefined || before === versionId) continue;
      this.#o.logger?.log(`fleet watcher: secret "${name}" moved to version ${versionId}`);
      await this.#o.publish({ secretId: name, versionId, ...(this.#o.region ? { region: this.#o.region } : {}), origin: this.#origin });
    }
  }

  async #list(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    let NextToken: string | undefined;
    do {
      const page = await this.#o.client.send(
        new ListSecretsCommand({ MaxResults: PAGE_SIZE, NextToken, ...(this.#o.prefix ? { Filters: [{ Key: 'name', Values: [this.#o.prefix] }] } : {}) }),
      );
      for (const s of page.SecretList ?? []) {
        const current = s.Name && currentVersion(s.SecretVersionsToStages);
        if (s.Name && current) out.set(s.Name, current);
      }
      NextToken = page.NextToken;
    } while (NextToken && this.leader);
    return out;
  }

  async #describe(): Promise<Map<string, string>> {
    const ids = [...new Set(this.#o.store.states().filter((s) => s.secretId.startsWith(this.#o.prefix)).map((s) => s.secretId))];
    const out = new Map<string, string>();
    await mapLimit(ids, DESCRIBE_CONCURRENCY, async (id) => {
      try {
        const d = await this.#o.client.send(new DescribeSecretCommand({ SecretId: id }));
        const current = currentVersion(d.VersionIdsToStages);
        if (current) out.set(id, current);
      } catch (error) {
        this.#failed(error);
      }
    });
    return out;
  }

  #failed(error: unknown): void {
    this.#lastErrorCode = errorCode(error) ?? (error as Error)?.name ?? 'Error';
    this.#o.logger?.warn(`fleet watcher: ${this.#mode} failed (${this.#lastErrorCode})`);
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#pollTimer = setTimeout(() => {
      void this.poll().finally(() => this.#schedulePoll());
    }, this.#o.intervalMs ?? FLEET_DEFAULTS.watchIntervalMs);
    this.#pollTimer.unref?.();
  }

  async #lockTick(): Promise<void> {
    const ttl = this.#ttl;
    const startedAt = Date.now();
    try {
      const ok = this.#leader
        ? Number(await this.#o.redis.call('EVAL', RENEW_SCRIPT, 1, this.#key, this.#token, ttl)) === 1
        : (await this.#o.redis.call('SET', this.#key, this.#token, 'NX', 'PX', ttl)) === 'OK';
      if (ok) this.#leaseUntil = startedAt + ttl;
      if (this.#running) this.#setLeader(ok);
    } catch (error) {
      this.#lastErrorCode = errorCode(error) ?? (error as Error)?.name ?? 'Error';
      // Unreachable Redis: lead until the lease runs out (nobody else can take the lock before).
      if (this.#leader && Date.now() >= this.#leaseUntil) this.#setLeader(false);
    }
    if (!this.#running) return;
    this.#lockTimer = setTimeout(() => void this.#lockTick(), Math.max(10, Math.floor(ttl / 3)));
    this.#lockTimer.unref?.();
  }

  #setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    if (leader) this.#seen.clear();
    this.#o.store.reportFleetEvent({ type: 'leader', leader });
    this.#o.logger?.log(`fleet watcher: ${leader ? 'took' : 'gave up'} the watcher lock "${this.#key}"`);
  }

  toString(): string {
    return `FleetWatcher(${this.#key}, ${this.leader ? 'leader' : 'follower'})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

function currentVersion(map: Record<string, string[]> | undefined): string | undefined {
  for (const [id, stages] of Object.entries(map ?? {})) if (stages.includes('AWSCURRENT')) return id;
  return undefined;
}
