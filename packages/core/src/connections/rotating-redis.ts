import type { Redis, RedisOptions } from 'ioredis';
import { AUTH_RETRY_DEFAULTS } from './auth-retry.options.js';
import { toCredentialsSource, type SecretInput } from './credentials-adapters.js';
import { CredentialsRejectedError } from './errors/credentials-rejected.error.js';
import { createRotatingCredentials, type SelectedCredentials } from './rotating-credentials.js';
import { parseRedisSecret, type RedisCredentials } from './redis-secret.js';
import { loadIoRedis } from './optional-drivers.js';
import { REDIS_ROTATION_DEFAULTS, type RedisRotationOptions } from './redis-rotation.options.js';

/** The Redis error code when `error` means rejected or missing credentials, else `undefined`. */
export function redisAuthCode(error: unknown): string | undefined {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  if (typeof message !== 'string') return undefined;
  if (message.startsWith('WRONGPASS')) return 'WRONGPASS';
  if (message.startsWith('NOAUTH')) return 'NOAUTH';
  return undefined;
}

/** ioredis internals this integration relies on (present in ioredis 5). */
interface RedisInternals {
  options: RedisOptions;
  status: string;
  retryAttempts: number;
  condition?: { subscriber?: unknown };
  recoverFromFatalError(commandError: Error, err: Error, options?: unknown): void;
  flushQueue(error: Error, options?: { offlineQueue?: boolean; commandQueue?: boolean }): void;
  silentEmit(event: string, arg?: unknown): boolean;
}

/** A Redis client that follows a rotating secret; `close()` quits it and stops following. */
export interface RotatingRedis {
  readonly client: Redis;
  readonly secretId: string;
  /** Quits the client (QUIT, then a hard disconnect if that fails) and unsubscribes from the secret. */
  close(): Promise<void>;
}

/**
 * Builds an ioredis client whose credentials follow a secret:
 * - on rotation, `options.username/password` are updated before any reconnect and the live
 *   connection re-authenticates (`AUTH`);
 * - when a (re)connect is answered with WRONGPASS / NOAUTH, the secret is force-refreshed,
 *   AWSPENDING is tried if AWSCURRENT has not moved, and the connection retries with capped
 *   back-off within `retry.budgetMs`; commands issued meanwhile stay queued, not failed.
 *
 * @example
 * const { client } = await createRotatingRedis(await secrets.handle(RedisSecret), { redis: { host: 'cache' } });
 */
export async function createRotatingRedis(secret: SecretInput, options: RedisRotationOptions = {}): Promise<RotatingRedis> {
  const source = toCredentialsSource(secret);
  const { logger } = options;
  const retry = { ...AUTH_RETRY_DEFAULTS, ...options.retry };
  const credentials = createRotatingCredentials<RedisCredentials>(source, {
    parse: parseRedisSecret,
    describeUser: (c) => c.username ?? 'default',
    service: 'Redis',
    retry,
    logger,
  });
  const base = options.redis ?? {};
  let applied = credentials.select();
  const userRetry = base.retryStrategy;
  const userReconnectOnError = base.reconnectOnError;
  /** An authentication episode: from the first rejection until the client is ready again. */
  let episode: { startedAt: number; backoff: number; nextDelay: number } | undefined;
  let recovering = false;
  let closing = false;

  const optionsFor = (selected: SelectedCredentials<RedisCredentials>): RedisOptions => {
    const c = selected.credentials;
    const tls = c.tls === true ? (base.tls ?? {}) : c.tls === false ? undefined : base.tls;
    return {
      ...base,
      ...(c.host === undefined ? {} : { host: c.host }),
      ...(c.port === undefined ? {} : { port: c.port }),
      username: c.username,
      password: c.password,
      tls,
      lazyConnect: true,
      retryStrategy: (times: number) => {
        if (episode) return episode.nextDelay;
        return userRetry ? userRetry(times) : Math.min(times * 50, 2_000);
      },
      reconnectOnError: (error: Error) => {
        // AUTH's own rejection is handled by the handshake (or logged for a live re-authentication);
        // resending it would replay stale credentials.
        if (redisAuthCode(error) !== undefined && !closing && commandName(error) !== 'auth') {
          void onAuthFailure(error);
          return 2; // reconnect, then resend the command
        }
        return userReconnectOnError ? userReconnectOnError(error) : false;
      },
    };
  };

  const ioredis = options.ioredis ?? (await loadIoRedis());
  const client = new ioredis.Redis(optionsFor(applied));
  const internals = client as unknown as RedisInternals;

  const apply = (selected: SelectedCredentials<RedisCredentials>) => {
    applied = selected;
    internals.options.username = selected.credentials.username;
    Object.defineProperty(internals.options, 'password', { value: selected.credentials.password, enumerable: false, writable: true, configurable: true });
  };
  apply(applied);

  async function onAuthFailure(error: Error): Promise<void> {
    if (recovering || closing) return;
    recovering = true;
    try {
      const now = Date.now();
      episode ??= { startedAt: now, backoff: retry.initialBackoffMs, nextDelay: 0 };
      const code = redisAuthCode(error) ?? 'WRONGPASS';
      credentials.report({ type: 'retry', system: credentials.system, code });
      if (now - episode.startedAt >= retry.budgetMs) {
        const rejected = new CredentialsRejectedError({
          secretId: source.secretId,
          username: applied.credentials.username ?? 'default',
          service: 'Redis',
          elapsedMs: now - episode.startedAt,
          code,
          cause: redactedReplyError(error),
        });
        // Queued commands fail with a clear error; the client keeps trying in the background.
        internals.flushQueue(rejected);
        internals.silentEmit('error', rejected);
        episode = { startedAt: Date.now(), backoff: retry.maxBackoffMs, nextDelay: retry.maxBackoffMs };
      } else if (episode.nextDelay === 0 && episode.startedAt === now) {
        logger?.warn(`Redis rejected credentials from secret "${source.secretId}" version ${applied.versionId} (user "${applied.credentials.username ?? 'default'}", ${code}); refreshing`);
      }
      const failed = applied;
      await credentials.recover(failed);
      const next = credentials.select();
      apply(next);
      const ep = episode;
      if (ep === undefined) return; // became ready meanwhile: nothing to reconnect
      if (next.versionId !== failed.versionId) {
        ep.nextDelay = 0;
      } else {
        ep.nextDelay = ep.backoff;
        ep.backoff = Math.min(ep.backoff * 2, retry.maxBackoffMs);
      }
    } finally {
      recovering = false;
    }
    if (closing || episode === undefined) return;
    // Count reconnects for credentials separately from network retries (maxRetriesPerRequest).
    internals.retryAttempts = 0;
    if (internals.status !== 'reconnecting' && internals.status !== 'end') client.disconnect(true);
  }

  // A rejected AUTH during the handshake would flush every queued command: keep the offline
  // queue (the user's commands) and reconnect with refreshed credentials instead.
  const recoverFromFatalError = internals.recoverFromFatalError.bind(client);
  internals.recoverFromFatalError = (commandError: Error, err: Error, flushOptions?: unknown) => {
    if (redisAuthCode(err) === undefined || closing) return recoverFromFatalError(commandError, err, flushOptions);
    internals.flushQueue(err, { offlineQueue: false });
    void onAuthFailure(err);
  };

  client.on('ready', () => {
    if (episode) {
      logger?.log(`Redis accepted credentials from secret "${source.secretId}" version ${applied.versionId} (${applied.stage}) after ${Date.now() - episode.startedAt} ms`);
      episode = undefined;
    }
  });
  client.on('error', (error: Error) => {
    // Rejections during recovery are reported by the recovery itself; ioredis reply errors may carry AUTH arguments.
    if (error instanceof CredentialsRejectedError) logger?.error(error.message);
    else if (redisAuthCode(error) === undefined) logger?.warn(`Redis client for secret "${source.secretId}": ${error.name}: ${error.message}`);
  });

  const unsubscribe = source.onChange(() => {
    const next = credentials.select();
    if (next.versionId === applied.versionId) return;
    apply(next);
    logger?.log(`secret "${source.secretId}" rotated to version ${next.versionId}; Redis reconnects will use user "${next.credentials.username ?? 'default'}"`);
    const reauth = options.reauthenticateOnRotation ?? REDIS_ROTATION_DEFAULTS.reauthenticateOnRotation;
    if (!reauth || internals.status !== 'ready' || internals.condition?.subscriber) return;
    const args = next.credentials.username === undefined ? [next.credentials.password ?? ''] : [next.credentials.username, next.credentials.password ?? ''];
    client.call('AUTH', ...args).then(
      () => {
        credentials.report({ type: 'reauthentication', system: credentials.system, outcome: 'success' });
        logger?.log(`Redis connection re-authenticated with version ${next.versionId} of secret "${source.secretId}"`);
      },
      // A failed AUTH leaves the connection authenticated as before.
      (error: Error) => {
        credentials.report({ type: 'reauthentication', system: credentials.system, outcome: 'failure', code: redisAuthCode(error) ?? error.name });
        logger?.warn(`re-authenticating the Redis connection with version ${next.versionId} of secret "${source.secretId}" failed (${redisAuthCode(error) ?? error.name}); it stays authenticated as before`);
      },
    );
  });

  const close = async () => {
    if (closing) return;
    closing = true;
    unsubscribe();
    try {
      if (internals.status === 'ready') await client.quit();
      else client.disconnect();
    } catch {
      client.disconnect();
    }
  };

  client.connect().catch(() => undefined);
  if (options.waitUntilReady ?? REDIS_ROTATION_DEFAULTS.waitUntilReady) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onReady = () => {
          client.off('error', onError);
          resolve();
        };
        const onError = (error: unknown) => {
          if (error instanceof CredentialsRejectedError) {
            client.off('ready', onReady);
            reject(error);
          }
        };
        client.once('ready', onReady);
        client.on('error', onError);
      });
    } catch (error) {
      await close();
      throw error;
    }
  }
  return { client, secretId: source.secretId, close };
}


/** A copy of a Redis reply error without `command.args` (ioredis puts the AUTH password there). */
function redactedReplyError(error: Error): Error {
  const copy = new Error(error.message);
  copy.name = error.name;
  return copy;
}

function commandName(error: Error): string | undefined {
  const name = (error as { command?: { name?: unknown } }).command?.name;
  return typeof name === 'string' ? name.toLowerCase() : undefined;
}
