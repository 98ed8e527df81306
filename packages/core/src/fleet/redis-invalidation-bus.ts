import { INSPECT } from '../values/redaction.js';
import type { InvalidationBus, RedisCommandClient, RedisSubscriberClient } from './invalidation-bus.js';
import { encodeInvalidationMessage, parseInvalidationMessage, type InvalidationMessage, type InvalidMessageReason } from './invalidation-message.js';

/** Options of {@link RedisInvalidationBus}. */
export interface RedisInvalidationBusOptions {
  /** The client that publishes (any connection that is not in subscriber mode). */
  publisher: RedisCommandClient;
  /** A connection of its own for SUBSCRIBE (Redis puts it in subscriber mode). */
  subscriber: RedisSubscriberClient;
  /**
   * The pub/sub channel every instance of the fleet uses.
   * @default 'keyturn:invalidate'
   */
  channel?: string;
}

/** Default channel of the fleet bus. */
export const DEFAULT_INVALIDATION_CHANNEL = 'keyturn:invalidate';

/**
 * The fleet bus over Redis pub/sub. The clients are the application's (not closed by the bus); with
 * Keyturn's rotating ioredis clients, their credentials follow the Redis secret. After the
 * subscriber's connection is re-established (a network error, or a reconnect with rotated
 * credentials), the bus subscribes again, so messages keep flowing whatever the client's
 * auto-resubscribe setting.
 *
 * @example
 * const bus = new RedisInvalidationBus({ publisher: redis, subscriber: redis.duplicate() });
 */
export class RedisInvalidationBus implements InvalidationBus {
  readonly channel: string;
  readonly #publisher: RedisCommandClient;
  readonly #subscriber: RedisSubscriberClient;
  readonly #invalidListeners = new Set<(reason: InvalidMessageReason) => void>();
  #handler?: (message: InvalidationMessage) => void;
  #closed = false;

  constructor(options: RedisInvalidationBusOptions) {
    this.#publisher = options.publisher;
    this.#subscriber = options.subscriber;
    this.channel = options.channel ?? DEFAULT_INVALIDATION_CHANNEL;
  }

  async publish(message: InvalidationMessage): Promise<void> {
    if (this.#closed) return;
    await this.#publisher.publish(this.channel, encodeInvalidationMessage(message));
  }

  async subscribe(handler: (message: InvalidationMessage) => void): Promise<void> {
    if (this.#handler) throw new Error(`RedisInvalidationBus on channel "${this.channel}" has a handler already`);
    this.#handler = handler;
    this.#subscriber.on('message', this.#onMessage);
    this.#subscriber.on('ready', this.#onReady);
    await this.#subscriber.subscribe(this.channel);
  }

  onInvalid(listener: (reason: InvalidMessageReason) => void): void {
    this.#invalidListeners.add(listener);
  }

  connected(): boolean {
    return !this.#closed && this.#handler !== undefined && (this.#subscriber.status === undefined || this.#subscriber.status === 'ready');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscriber.off('message', this.#onMessage);
    this.#subscriber.off('ready', this.#onReady);
    this.#invalidListeners.clear();
    if (this.#handler && this.#subscriber.status !== 'end') await this.#subscriber.unsubscribe(this.channel).catch(() => undefined);
    this.#handler = undefined;
  }

  readonly #onMessage = (channel: string, raw: string): void => {
    if (channel !== this.channel || this.#closed) return;
    const parsed = parseInvalidationMessage(raw);
    if (!parsed.ok) {
      for (const l of this.#invalidListeners) l(parsed.reason);
      return;
    }
    this.#handler?.(parsed.message);
  };

  /** A new connection (reconnected, maybe with rotated credentials): subscribe again (idempotent in Redis). */
  readonly #onReady = (): void => {
    if (!this.#closed) void this.#subscriber.subscribe(this.channel).catch(() => undefined);
  };

  toString(): string {
    return `RedisInvalidationBus(${this.channel})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
