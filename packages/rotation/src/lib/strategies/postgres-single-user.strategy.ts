import { RotationStepError } from '../errors/rotation-step-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import type { PasswordOptions, RotationContext, RotationStrategy } from '../rotation.types.js';
import type { SecretVersion } from '../secret-version.js';
import { close, describeLoginError, loadPg, login, parsePostgresSecret, type PostgresSecret } from './postgres-connection.js';
import type { PostgresConnectionOptions } from './postgres-connection.options.js';

/** Options of {@link postgresSingleUser}. */
export interface PostgresSingleUserOptions extends PostgresConnectionOptions {
  /**
   * GetRandomPassword settings for this strategy, over the handler's (environment) settings.
   * @example { password: { passwordLength: 40 } }
   */
  password?: PasswordOptions;
}

/**
 * PostgreSQL single-user rotation (AWS's SecretsManagerRDSPostgreSQLRotationSingleUser): the user
 * changes its own password. Between setSecret and finishSecret the database already has the
 * new password while AWSCURRENT still holds the old one; after the rotation AWSPREVIOUS no longer logs in.
 *
 * Secret JSON: `{ engine?, host, port?, username, password, dbname?, ssl? }`.
 * @example export const handler = createRotationHandler(postgresSingleUser());
 */
export function postgresSingleUser(options: PostgresSingleUserOptions = {}): RotationStrategy {
  return new PostgresSingleUserStrategy(options);
}

class PostgresSingleUserStrategy implements RotationStrategy {
  readonly name = 'postgres-single-user';

  constructor(private readonly options: PostgresSingleUserOptions) {}

  async createPendingValue(current: SecretVersion, context: RotationContext): Promise<string> {
    parsePostgresSecret(current, context.step);
    const json = current.json();
    json.password = await context.randomPassword(this.options.password);
    return JSON.stringify(json);
  }

  async setSecret(context: RotationContext): Promise<void> {
    const pg = await loadPg(this.name);
    const current = parsePostgresSecret(await context.current(), context.step);
    const pendingVersion = await context.pending();
    const pending = parsePostgresSecret(pendingVersion, context.step);

    // A retried setSecret after the password was already changed: nothing to do.
    const asPending = await login(pg, pending, this.options);
    if (asPending.ok) {
      await close(asPending.client);
      context.logger.log('setSecret: the pending credentials already log in; nothing to change.', { secretId: context.secretId, versionId: context.token });
      return;
    }
    agree(context, pendingVersion, current, pending);

    let session = await login(pg, current, this.options);
    const failures = [`AWSCURRENT: ${describeLoginError(session.ok ? undefined : session.error)}`];
    if (!session.ok) {
      const previousVersion = await context.previous();
      if (previousVersion) {
        const previous = parsePostgresSecret(previousVersion, context.step);
        agree(context, previousVersion, current, previous);
        session = await login(pg, previous, this.options);
        if (!session.ok) failures.push(`AWSPREVIOUS: ${describeLoginError(session.error)}`);
      }
    }
    if (!session.ok) {
      throw new RotationStepError(
        `setSecret: could not log in to ${current.host}:${current.port} as "${current.username}" with the pending, current or previous password of secret ${context.secretId} (${failures.join('; ')}). Fix the password in the database or in AWSCURRENT, then retry the rotation.`,
        { code: 'LoginFailed', secretId: context.secretId, step: context.step, cause: session.error },
      );
    }
    try {
      await session.client.query(`ALTER USER ${pg.escapeIdentifier(pending.username)} WITH PASSWORD ${pg.escapeLiteral(pending.password)}`);
    } catch (raw) {
      const e = UpstreamError.from(raw, [pending.password, current.password]);
      throw new RotationStepError(
        `setSecret: PostgreSQL refused to change the password of "${pending.username}" on ${current.host}:${current.port} for secret ${context.secretId} (${describeLoginError(e)}). AWSCURRENT is unchanged; fix the cause and retry the rotation.`,
        { code: 'SetSecretFailed', secretId: context.secretId, step: context.step, cause: e },
      );
    } finally {
      await close(session.client);
    }
    context.logger.log('setSecret: password changed in PostgreSQL.', { secretId: context.secretId, versionId: context.token, username: pending.username });
  }

  async testSecret(context: RotationContext): Promise<void> {
    await testPostgresLogin(context, this.name, this.options);
  }
}

/** testSecret of both PostgreSQL strategies: log in with AWSPENDING and run the test query. */
export async function testPostgresLogin(context: RotationContext, strategy: string, options: PostgresConnectionOptions): Promise<void> {
  const pg = await loadPg(strategy);
  const pending = parsePostgresSecret(await context.pending(), context.step);
  const session = await login(pg, pending, options);
  if (!session.ok) {
    throw new RotationStepError(
      `testSecret: the pending credentials of secret ${context.secretId} do not log in to ${pending.host}:${pending.port} as "${pending.username}" (${describeLoginError(session.error)}).`,
      { code: 'TestSecretFailed', secretId: context.secretId, step: context.step, cause: session.error },
    );
  }
  try {
    await session.client.query(options.testQuery ?? 'SELECT NOW()');
  } catch (raw) {
    const e = UpstreamError.from(raw, [pending.password]);
    throw new RotationStepError(
      `testSecret: "${pending.username}" logged in with the pending credentials of secret ${context.secretId} but the test query failed (${describeLoginError(e)}).`,
      { code: 'TestSecretFailed', secretId: context.secretId, step: context.step, cause: e },
    );
  } finally {
    await close(session.client);
  }
}

/** Username and host must be the same in both versions (AWS's single-user check). */
function agree(context: RotationContext, version: SecretVersion, current: PostgresSecret, other: PostgresSecret): void {
  for (const key of ['username', 'host'] as const) {
    if (current[key] !== other[key]) {
      throw new SecretShapeError(
        `Secret ${context.secretId}: "${key}" of ${version.stage} differs from AWSCURRENT; a single-user rotation changes only the password.`,
        { secretId: context.secretId, key, step: context.step },
      );
    }
  }
}
