import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  attachInvalidationBus,
  AwsSecretsManagerSource,
  FleetWatcher,
  RedisInvalidationBus,
  type FleetInvalidation,
  type FleetInvalidationStats,
  type FleetWatcherStatus,
  type InvalidationBus,
  type KeyturnLogger,
  type RedisCommandClient,
} from '@keyturn/core';
import { createRotatingRedis, credentialsFromSecretStore } from '@keyturn/core/connections';
import { awsClientConfig, type SecretStoreResources } from './secret-store.factory.js';
import type { ResolvedSecretsOptions } from './secrets-options.validator.js';

/** The fleet in the health payload: the bus, the watcher, the last message (ids only). */
export interface SecretsFleetHealth extends FleetInvalidationStats {
  watcher?: FleetWatcherStatus;
}

/**
 * The module's side of push invalidation (`invalidation` option): the bus's two rotating Redis
 * clients built from the Redis secret (ioredis loaded on demand, so it stays an optional peer), the
 * store attached to the bus, the elected watcher. Started after the start-up load, stopped before
 * the store.
 */
export class SecretsFleet {
  #fleet?: FleetInvalidation;
  #stopped = false;
  #watcher?: FleetWatcher;
  readonly #redisSecretId?: string;
  readonly #closers: (() => Promise<unknown> | unknown)[] = [];

  constructor(
    private readonly options: ResolvedSecretsOptions,
    private readonly resources: SecretStoreResources,
    private readonly logger: KeyturnLogger,
  ) {
    const secret = options.invalidation?.redisSecret;
    this.#redisSecretId = typeof secret === 'string' ? secret : secret?.secretId;
    // Registered now, so the Redis secret loads in the start-up batch with the others.
    if (this.#redisSecretId !== undefined) resources.store.register({ ref: this.#redisSecretId });
  }

  get enabled(): boolean {
    return this.options.invalidation !== undefined;
  }

  /**
   * Starts in the background (a Redis outage does not hold up the application); a failure is
   * logged and leaves the instance polling on its TTL, as without a bus.
   */
  begin(): void {
    if (!this.enabled) return;
    this.start().catch((error: unknown) => {
      this.logger.error(`fleet bus: could not start (${(error as { code?: string })?.code ?? (error as Error)?.name ?? 'Error'}); secrets refresh on their TTL`);
    });
  }

  /** Builds the clients, attaches the store to the bus and starts the watcher. */
  async start(): Promise<void> {
    const inv = this.options.invalidation;
    if (!inv || this.#fleet || this.#stopped) return;
    try {
      const { bus, redis } = inv.bus ? { bus: inv.bus, redis: undefined } : await this.#redisBus();
      const store = this.resources.store;
      this.#fleet = await attachInvalidationBus(store, bus, {
        logger: this.logger,
        ...(inv.maxRefreshRate !== undefined ? { maxRefreshRate: inv.maxRefreshRate } : {}),
        ...(inv.refreshBurst !== undefined ? { refreshBurst: inv.refreshBurst } : {}),
      });
      const fleet = this.#fleet;
      this.#closers.unshift(() => fleet.stop());
      if (this.#stopped) return await this.stop();
      if (inv.watcher && redis) {
        const watcher = new FleetWatcher({
          ...inv.watcher,
          redis,
          publish: (m) => fleet.publish(m),
          client: this.#awsClient(),
          store,
          instanceId: fleet.instanceId,
          ...(this.options.region !== undefined ? { region: this.options.region } : {}),
          logger: this.logger,
        });
        this.#watcher = watcher;
        this.#closers.unshift(() => watcher.stop());
        await watcher.start();
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  health(): SecretsFleetHealth | undefined {
    if (!this.#fleet) return undefined;
    return { ...this.#fleet.stats(), ...(this.#watcher ? { watcher: this.#watcher.status() } : {}) };
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const close of this.#closers.splice(0)) await close();
    this.#fleet = undefined;
    this.#watcher = undefined;
  }

  async #redisBus(): Promise<{ bus: InvalidationBus; redis: RedisCommandClient }> {
    const inv = this.options.invalidation!;
    const secretId = this.#redisSecretId!;
    // ioredis is an optional peer: the connections entry loads it on first use, only with this option.
    const connect = async () => {
      const rotating = await createRotatingRedis(await credentialsFromSecretStore(this.resources.store, secretId), { redis: inv.redis ?? {}, waitUntilReady: false, logger: this.logger });
      this.#closers.push(() => rotating.close());
      return rotating.client;
    };
    const publisher = await connect();
    const subscriber = await connect();
    const bus = new RedisInvalidationBus({
      publisher: publisher,
      subscriber: subscriber,
      ...(inv.channel !== undefined ? { channel: inv.channel } : {}),
    });
    return { bus, redis: publisher };
  }

  /** The module's Secrets Manager client when it built one (calls then count in its metrics), else a client of the fleet's own. */
  #awsClient(): Pick<SecretsManagerClient, 'send'> {
    const aws = this.resources.ownedSources.find((s): s is AwsSecretsManagerSource => s instanceof AwsSecretsManagerSource);
    if (aws) return aws.client;
    if (this.options.client) return this.options.client;
    const client = new SecretsManagerClient(awsClientConfig(this.options));
    this.#closers.push(() => client.destroy());
    return client;
  }
}
