import { RotationStepError } from '../errors/rotation-step-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import type { PasswordOptions, RotationContext, RotationStrategy } from '../rotation.types.js';
import type { SecretVersion } from '../secret-version.js';
import { close, describeLoginError, loadPg, login, parsePostgresSecret } from './postgres-connection.js';
import type { PostgresConnectionOptions } from './postgres-connection.options.js';
import { testPostgresLogin } from './postgres-single-user.strategy.js';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
const MAX_USERNAME = 63;
const CLONE_SUFFIX = '_clone';

/** Options of {@link postgresAlternatingUsers}. */
export interface PostgresAlternatingUsersOptions extends PostgresConnectionOptions {
  /**
   * GetRandomPassword settings for this strategy, over the handler's (environment) settings.
   * @example { password: { passwordLength: 40 } }
   */
  password?: PasswordOptions;
}

/** The other user of the pair: `app` ⇄ `app_clone`. */
export function alternateUsername(username: string): string {
  return username.endsWith(CLONE_SUFFIX) ? username.slice(0, -CLONE_SUFFIX.length) : username + CLONE_SUFFIX;
}

/**
 * PostgreSQL alternating-users rotation (AWS's SecretsManagerRDSPostgreSQLRotationMultiUser): a
 * superuser secret, referenced by ARN or name in `masterarn`, creates `<user>_clone` on the first
 * rotation (`CREATE ROLE ... WITH LOGIN PASSWORD ...; GRANT <user> TO <user>_clone`) and from then
 * on the two users take turns. AWSCURRENT and AWSPREVIOUS hold different users and both log in
 * until the next rotation.
 *
 * Secret JSON: `{ engine?, host, port?, username, password, dbname?, ssl?, masterarn }`.
 * @example export const handler = createRotationHandler(postgresAlternatingUsers());
 */
export function postgresAlternatingUsers(options: PostgresAlternatingUsersOptions = {}): RotationStrategy {
  return new PostgresAlternatingUsersStrategy(options);
}

class PostgresAlternatingUsersStrategy implements RotationStrategy {
  readonly name = 'postgres-alternating-users';

  constructor(private readonly options: PostgresAlternatingUsersOptions) {}

  async createPendingValue(current: SecretVersion, context: RotationContext): Promise<string> {
    const parsed = parsePostgresSecret(current, context.step);
    if (!parsed.masterarn) {
      throw new SecretShapeError(`Secret ${context.secretId} (AWSCURRENT) must name the superuser secret in "masterarn" for an alternating-users rotation.`, {
        secretId: context.secretId,
        key: 'masterarn',
        step: context.step,
      });
    }
    const username = alternateUsername(parsed.username);
    if (username.length > MAX_USERNAME) {
      throw new SecretShapeError(
        `Secret ${context.secretId}: the alternate user "${username}" would be longer than PostgreSQL's ${MAX_USERNAME} characters; use a username of at most ${MAX_USERNAME - CLONE_SUFFIX.length} characters.`,
        { secretId: context.secretId, key: 'username', step: context.step },
      );
    }
    const json = current.json();
    json.username = username;
    json.password = await context.randomPassword(this.options.password);
    return JSON.stringify(json);
  }

  async setSecret(context: RotationContext): Promise<void> {
    const pg = await loadPg(this.name);
    const current = parsePostgresSecret(await context.current(), context.step);
    const pending = parsePostgresSecret(await context.pending(), context.step);
    const where = { secretId: context.secretId, versionId: context.token };

    // A retried setSecret after the alternate user already has the pending password: nothing to do.
    const asPending = await login(pg, pending, this.options);
    if (asPending.ok) {
      await close(asPending.client);
      context.logger.log('setSecret: the pending credentials already log in; nothing to change.', where);
      return;
    }
    if (alternateUsername(current.username) !== pending.username) {
      throw new SecretShapeError(`Secret ${context.secretId}: the pending user must be the alternate of the current user ("${alternateUsername(current.username)}").`, {
        secretId: context.secretId,
        key: 'username',
        step: context.step,
      });
    }
    if (current.host !== pending.host || current.port !== pending.port) {
      throw new SecretShapeError(`Secret ${context.secretId}: host and port of AWSPENDING must equal AWSCURRENT.`, { secretId: context.secretId, key: 'host', step: context.step });
    }
    // Confused-deputy guard (as AWS): only rotate a user whose current credentials really work.
    const asCurrent = await login(pg, current, this.options);
    if (!asCurrent.ok) {
      throw new RotationStepError(
        `setSecret: the current credentials of secret ${context.secretId} do not log in to ${current.host}:${current.port} as "${current.username}" (${describeLoginError(asCurrent.error)}); refusing to act as the superuser for a secret that does not work.`,
        { code: 'LoginFailed', secretId: context.secretId, step: context.step, cause: asCurrent.error },
      );
    }
    await close(asCurrent.client);

    if (!current.masterarn) {
      throw new SecretShapeError(`Secret ${context.secretId} (AWSCURRENT) must name the superuser secret in "masterarn".`, {
        secretId: context.secretId,
        key: 'masterarn',
        step: context.step,
      });
    }
    const masterVersion = await context.otherSecret(current.masterarn, 'superuser (masterarn)');
    const master = parsePostgresSecret(masterVersion, context.step);
    if (master.host !== current.host) {
      throw new SecretShapeError(`Secret ${context.secretId}: the superuser secret ${current.masterarn} is for host "${master.host}", not "${current.host}".`, {
        secretId: context.secretId,
        key: 'masterarn',
        step: context.step,
      });
    }
    const asMaster = await login(pg, { ...master, port: current.port, dbname: current.dbname }, this.options);
    if (!asMaster.ok) {
      throw new RotationStepError(
        `setSecret: the superuser secret ${current.masterarn} does not log in to ${current.host}:${current.port} as "${master.username}" (${describeLoginError(asMaster.error)}).`,
        { code: 'LoginFailed', secretId: context.secretId, step: context.step, cause: asMaster.error },
      );
    }
    const user = pg.escapeIdentifier(pending.username);
    const password = pg.escapeLiteral(pending.password);
    try {
      const exists = await asMaster.client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [pending.username]);
      if (exists.rowCount === 0) {
        // As AWS does: the clone is a member of the original role and inherits its privileges.
        await asMaster.client.query('BEGIN');
        await asMaster.client.query(`CREATE ROLE ${user} WITH LOGIN PASSWORD ${password}`);
        await asMaster.client.query(`GRANT ${pg.escapeIdentifier(current.username)} TO ${user}`);
        await asMaster.client.query('COMMIT');
        context.logger.log('setSecret: alternate user created.', { ...where, username: pending.username });
      } else {
        await asMaster.client.query(`ALTER USER ${user} WITH PASSWORD ${password}`);
        context.logger.log('setSecret: password of the alternate user changed.', { ...where, username: pending.username });
      }
    } catch (raw) {
      const e = UpstreamError.from(raw, [pending.password, master.password]);
      await asMaster.client.query('ROLLBACK').catch(() => undefined);
      throw new RotationStepError(
        `setSecret: PostgreSQL refused to create or update user "${pending.username}" for secret ${context.secretId} (${describeLoginError(e)}). AWSCURRENT is unchanged; fix the cause and retry the rotation.`,
        { code: 'SetSecretFailed', secretId: context.secretId, step: context.step, cause: e },
      );
    } finally {
      await close(asMaster.client);
    }
  }

  async testSecret(context: RotationContext): Promise<void> {
    await testPostgresLogin(context, this.name, this.options);
  }
}
