import type { Redis } from 'ioredis';
import { InvalidConnectionSecretError, loadIoRedis, MissingDriverError, parseRedisSecret, type IoRedisModule, type RedisCredentials, type RedisSecretKey } from '@keyturn/core/connections';
import type { ConnectionOptions } from 'node:tls';
import { MissingPeerDependencyError } from '../errors/missing-peer-dependency-error.js';
import { RotationError } from '../errors/rotation-error.js';
import { RotationStepError } from '../errors/rotation-step-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import type { PasswordOptions, RotationContext, RotationStrategy } from '../rotation.types.js';
import { optionalString } from '../secret-fields.js';
import type { SecretVersion } from '../secret-version.js';

/** Options of {@link redisAclUser}. */
export interface RedisAclUserOptions {
  /**
   * GetRandomPassword settings for this strategy, over the handler's (environment) settings.
   * @example { password: { passwordLength: 40 } }
   */
  password?: PasswordOptions;
  /**
   * Only this secret (ARN or name, as in the event's SecretId) may be rotated; others are refused
   * (ElastiCache's `SECRET_ARN`).
   * @default any secret
   */
  secretId?: string;
  /**
   * The secret's `username` must equal this (ElastiCache's `USER_NAME`).
   * @default any user
   */
  username?: string;
  /**
   * Run `ACL SAVE` after `ACL SETUSER`, for servers that keep users in an ACL file.
   * @default false
   */
  aclSave?: boolean;
  /**
   * Command run with the pending credentials in testSecret (after logging in).
   * @default ['PING']
   * @example { testCommand: ['GET', 'app:health'] }
   */
  testCommand?: readonly string[];
  /**
   * Milliseconds to wait for a connection and login.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * TLS settings used when the secret has `"tls": true`.
   * @default {}
   */
  tls?: ConnectionOptions;
}

interface RedisSecret {
  host: string;
  port: number;
  username: string;
  password?: string;
  tls: boolean;
  admin?: string;
}

/** Keys that may name the admin secret, in order of precedence. */
const ADMIN_KEYS = ['adminArn', 'masterarn'] as const;

/**
 * Redis ACL user rotation, ElastiCache-style: setSecret runs `ACL SETUSER <user> resetpass >new >current`,
 * so the user has exactly two passwords: connections (and reconnects) with the old one keep working
 * until the next rotation replaces it. The command is run by the admin secret named in `adminArn`
 * (or `masterarn`), else by the user itself with its current password (it then needs `+acl`).
 *
 * Secret JSON: `{ host, port?, username, password?, tls?, adminArn? }`; admin secret: `{ username, password, host?, port? }`.
 * @example export const handler = createRotationHandler(redisAclUser({ aclSave: true }));
 */
export function redisAclUser(options: RedisAclUserOptions = {}): RotationStrategy {
  return new RedisAclUserStrategy(options);
}


class RedisAclUserStrategy implements RotationStrategy {
  readonly name = 'redis-acl-user';

  constructor(private readonly options: RedisAclUserOptions) {}

  async createPendingValue(current: SecretVersion, context: RotationContext): Promise<string> {
    this.parse(current, context);
    const json = current.json();
    json.password = await context.randomPassword(this.options.password);
    return JSON.stringify(json);
  }

  async setSecret(context: RotationContext): Promise<void> {
    const redis = await this.load();
    const currentVersion = await context.current();
    const current = this.parse(currentVersion, context);
    const pending = this.parse(await context.pending(), context);
    if (!pending.password) {
      throw new SecretShapeError(`Secret ${context.secretId} (AWSPENDING) has no "password".`, { secretId: context.secretId, key: 'password', step: context.step });
    }
    for (const key of ['username', 'host', 'port'] as const) {
      if (current[key] !== pending[key]) {
        throw new SecretShapeError(`Secret ${context.secretId}: "${key}" of AWSPENDING differs from AWSCURRENT; only the password rotates.`, {
          secretId: context.secretId,
          key,
          step: context.step,
        });
      }
    }

    let actor: { username: string; password?: string; host: string; port: number; label: string };
    if (current.admin) {
      const admin = await context.otherSecret(current.admin, 'Redis admin (adminArn)');
      const parsed = redisSecret(admin, ['username', 'password'], context.step);
      actor = {
        username: parsed.username as string,
        password: parsed.password as string,
        host: parsed.host ?? current.host,
        port: parsed.port ?? current.port,
        label: `admin secret ${current.admin}`,
      };
      if (actor.host !== current.host || actor.port !== current.port) {
        throw new SecretShapeError(`Secret ${context.secretId}: the admin secret ${current.admin} is for ${actor.host}:${actor.port}, not ${current.host}:${current.port}.`, {
          secretId: context.secretId,
          key: 'adminArn',
          step: context.step,
        });
      }
    } else {
      actor = { ...current, label: `the current credentials of "${current.username}"` };
    }

    const session = await this.login(redis, { ...current, username: actor.username, password: actor.password });
    if (!session.ok) {
      throw new RotationStepError(
        `setSecret: could not log in to Redis ${current.host}:${current.port} with ${actor.label} for secret ${context.secretId} (${describe(session.error)}). AWSCURRENT is unchanged; fix the credentials and retry the rotation.`,
        { code: 'LoginFailed', secretId: context.secretId, step: context.step, cause: session.error },
      );
    }
    try {
      const args = ['SETUSER', pending.username, 'resetpass', `>${pending.password}`];
      // Keep the current password valid until the next rotation (the previous one is dropped now).
      if (current.password && current.password !== pending.password) args.push(`>${current.password}`);
      await session.client.call('ACL', ...args);
      if (this.options.aclSave) await session.client.call('ACL', 'SAVE');
    } catch (raw) {
      const e = UpstreamError.from(raw, [pending.password, current.password, actor.password]);
      throw new RotationStepError(
        `setSecret: Redis refused ACL SETUSER for "${pending.username}" (secret ${context.secretId}) run with ${actor.label} (${describe(e)}). It needs the +acl permission (or an admin secret in "adminArn"). AWSCURRENT is unchanged.`,
        { code: 'SetSecretFailed', secretId: context.secretId, step: context.step, cause: e },
      );
    } finally {
      session.client.disconnect();
    }
    context.logger.log('setSecret: Redis user now accepts the pending and the current password.', {
      secretId: context.secretId,
      versionId: context.token,
      username: pending.username,
    });
  }

  async testSecret(context: RotationContext): Promise<void> {
    const redis = await this.load();
    const pending = this.parse(await context.pending(), context);
    const session = await this.login(redis, pending);
    if (!session.ok) {
      throw new RotationStepError(
        `testSecret: the pending credentials of secret ${context.secretId} do not log in to Redis ${pending.host}:${pending.port} as "${pending.username}" (${describe(session.error)}).`,
        { code: 'TestSecretFailed', secretId: context.secretId, step: context.step, cause: session.error },
      );
    }
    try {
      const [command, ...args] = this.options.testCommand ?? ['PING'];
      await session.client.call(command, ...args);
    } catch (raw) {
      const e = UpstreamError.from(raw, [pending.password]);
      throw new RotationStepError(
        `testSecret: "${pending.username}" logged in to Redis with the pending credentials of secret ${context.secretId} but the test command failed (${describe(e)}).`,
        { code: 'TestSecretFailed', secretId: context.secretId, step: context.step, cause: e },
      );
    } finally {
      session.client.disconnect();
    }
  }

  private parse(version: SecretVersion, context: RotationContext): RedisSecret {
    if (this.options.secretId !== undefined && context.secretId !== this.options.secretId) {
      throw new RotationError(`This Redis rotation function only rotates secret ${this.options.secretId} (SECRET_ARN), not ${context.secretId}.`, {
        code: 'ConfigurationError',
        secretId: context.secretId,
        step: context.step,
      });
    }
    const json = version.json();
    const parsed = redisSecret(version, ['host', 'username'], context.step);
    const username = parsed.username as string;
    if (this.options.username !== undefined && username !== this.options.username) {
      throw new SecretShapeError(`Secret ${context.secretId} (${version.stage}): "username" must be "${this.options.username}" (USER_NAME).`, {
        secretId: context.secretId,
        key: 'username',
        step: context.step,
      });
    }
    const admin = ADMIN_KEYS.map((k) => optionalString(json, k, version, context.step)).find((v) => v !== undefined);
    if (admin !== undefined && (admin === context.secretId || admin === version.secretId)) {
      throw new SecretShapeError(`Secret ${context.secretId}: "adminArn" must name another secret.`, { secretId: context.secretId, key: 'adminArn', step: context.step });
    }
    return {
      host: parsed.host as string,
      port: parsed.port ?? 6379,
      username,
      password: parsed.password,
      tls: parsed.tls === true,
      admin,
    };
  }

  private async load(): Promise<IoRedisModule> {
    try {
      return await loadIoRedis();
    } catch (e) {
      throw new MissingPeerDependencyError('ioredis', this.name, e instanceof MissingDriverError ? e.cause : e);
    }
  }

  private async login(redis: IoRedisModule, target: RedisSecret): Promise<{ ok: true; client: Redis } | { ok: false; error: unknown }> {
    // Credentials go in an explicit AUTH (not the client options) so a refused login is an error
    // here, not a connection that ioredis reports as ready and that fails on its first command.
    const client = new redis.Redis({
      host: target.host,
      port: target.port,
      tls: target.tls ? { ...this.options.tls } : undefined,
      lazyConnect: true,
      connectTimeout: this.options.connectTimeoutMs ?? 5000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      retryStrategy: () => null,
      reconnectOnError: () => false,
    });
    client.on('error', () => undefined);
    try {
      if (target.password === undefined) throw new Error(`the secret has no password for "${target.username}"`);
      await client.connect();
      await client.call('AUTH', target.username, target.password);
      return { ok: true, client };
    } catch (e) {
      client.disconnect();
      return { ok: false, error: UpstreamError.from(e, [target.password]) };
    }
  }
}

/** Redis error text (WRONGPASS, NOPERM, ECONNREFUSED ...): Redis never echoes a password in it. */
function describe(error: unknown): string {
  return (error as Error | undefined)?.message ?? String(error);
}

/** Reads a Redis secret with the shared parser of @keyturn/core/connections; a bad shape is a {@link SecretShapeError} naming the key. */
function redisSecret(version: SecretVersion, require: readonly RedisSecretKey[], step: string): RedisCredentials {
  try {
    return parseRedisSecret(version.json(), version.secretId, require);
  } catch (e) {
    if (!(e instanceof InvalidConnectionSecretError)) throw e;
    throw new SecretShapeError(`Secret ${version.secretId} (${version.stage}): ${e.message}.`, { secretId: version.secretId, key: e.keys[0], step, cause: e });
  }
}
