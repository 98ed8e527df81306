import type { InvalidationMessage, InvalidMessageReason } from './invalidation-message.js';

/**
 * Carries {@link InvalidationMessage}s between the instances of a fleet. Implementations check
 * every received message (`parseInvalidationMessage`) and hand only valid ones to the handler.
 */
export interface InvalidationBus {
  /** Sends a message to every subscribed instance (this one included). */
  publish(message: InvalidationMessage): Promise<void>;
  /** Starts delivering valid messages to `handler` (one handler per bus). */
  subscribe(handler: (message: InvalidationMessage) => void): Promise<void>;
  /** Stops delivering and releases what the bus holds (it does not close clients it was given). */
  close(): Promise<void>;
  /** Receives refused messages (the reason only; never their content). */
  onInvalid?(listener: (reason: InvalidMessageReason) => void): void;
  /** Whether the bus is connected now, for health checks. */
  connected?(): boolean;
}

/**
 * The parts of a Redis client the fleet uses (ioredis fits; node-redis through a small adapter).
 * Keyturn's core does not depend on a Redis library: the application passes its clients, typically
 * the rotating clients of `@keyturn/nestjs/ioredis`, so the bus follows a rotating Redis password.
 */
export interface RedisCommandClient {
  publish(channel: string, message: string): Promise<unknown>;
  /** Sends any command (`SET key value NX PX ttl`, `EVAL script 1 key ...`). */
  call(command: string, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection status (`ready` when commands go through). */
  readonly status?: string;
}

/** A Redis client in subscriber mode (a connection of its own, as Redis requires). */
export interface RedisSubscriberClient {
  subscribe(...channels: string[]): Promise<unknown>;
  unsubscribe(...channels: string[]): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'message', listener: (channel: string, message: string) => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
  readonly status?: string;
}
