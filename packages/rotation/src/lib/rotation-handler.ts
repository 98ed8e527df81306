import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
  type DescribeSecretCommandOutput,
  type SecretsManagerClientConfig,
} from '@aws-sdk/client-secrets-manager';
import { ConsoleRotationLogger, SilentRotationLogger } from './console-rotation-logger.js';
import { RotationError } from './errors/rotation-error.js';
import { RotationGuardError } from './errors/rotation-guard-error.js';
import { clientConfigFromEnv, DEFAULT_PASSWORD_OPTIONS, passwordOptionsFromEnv } from './rotation-environment.js';
import type { PasswordOptions, RotationContext, RotationEvent, RotationHandler, RotationLogger, RotationStep, RotationStrategy } from './rotation.types.js';
import { SecretVersion } from './secret-version.js';

/** Options of {@link createRotationHandler}. */
export interface RotationHandlerOptions {
  /**
   * The Secrets Manager client to use. Without it one is built on the first invocation from
   * `clientConfig`, else from the environment (`SECRETS_MANAGER_ENDPOINT`, `AWS_REGION`), and reused.
   * A client passed here is never destroyed by the handler.
   * @example { client: new SecretsManagerClient({ region: 'eu-west-1' }) }
   */
  client?: SecretsManagerClient;
  /**
   * Settings for the client the handler builds (ignored when `client` is given).
   * @example { clientConfig: { endpoint: 'http://127.0.0.1:4566', region: 'us-east-1' } }
   */
  clientConfig?: SecretsManagerClientConfig;
  /**
   * Where progress goes; `false` for nothing. Never receives a secret value.
   * @default one JSON line per message on the console
   */
  logger?: RotationLogger | false;
  /**
   * GetRandomPassword settings, over the environment variables (PASSWORD_LENGTH, EXCLUDE_CHARACTERS, ...)
   * and the defaults (32 characters, excluding `:/@"'\`).
   * @example { password: { passwordLength: 40, excludePunctuation: true } }
   */
  password?: PasswordOptions;
  /**
   * The environment to read settings from.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /**
   * Called once finishSecret has moved AWSCURRENT to the new version (not when a retried
   * finishSecret finds it done), with ids only. Use it to tell a fleet at once instead of waiting
   * for each instance's TTL, e.g. with `@keyturn/core`'s bus:
   * `onFinished: (f) => bus.publish({ ...f, origin: 'rotation' })`. A failure is logged (its error
   * name) and does not fail the rotation, which is complete by then.
   * @example { onFinished: ({ secretId, versionId }) => bus.publish({ secretId, versionId }) }
   */
  onFinished?: (finished: { secretId: string; versionId: string }) => Promise<void> | void;
}

const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

const isNotFound = (e: unknown) => (e as { name?: string } | null)?.name === 'ResourceNotFoundException';

/**
 * Builds a Lambda-compatible Secrets Manager rotation function for `strategy`.
 *
 * Every invocation runs the guards of AWS's sample functions (rotation disabled, unknown version,
 * version already AWSCURRENT = no-op, version not AWSPENDING, unknown step), then the step.
 * createSecret reuses an existing pending value and finishSecret returns when the version is
 * already AWSCURRENT, so Secrets Manager (or the emulator) may retry any step.
 *
 * @example
 * export const handler = createRotationHandler(postgresSingleUser());
 */
export function createRotationHandler(strategy: RotationStrategy, options: RotationHandlerOptions = {}): RotationHandler {
  const logger: RotationLogger = options.logger === false ? new SilentRotationLogger() : (options.logger ?? new ConsoleRotationLogger());
  let builtClient: SecretsManagerClient | undefined;
  const clientFor = (env: Record<string, string | undefined>) => {
    if (options.client) return options.client;
    builtClient ??= new SecretsManagerClient(options.clientConfig ?? clientConfigFromEnv(env));
    return builtClient;
  };

  return async (event: RotationEvent): Promise<void> => {
    const env = options.env ?? process.env;
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event ?? ({} as RotationEvent);
    if (typeof secretId !== 'string' || typeof token !== 'string' || typeof step !== 'string') {
      throw new RotationError('The rotation event must have SecretId, ClientRequestToken and Step (strings), as Secrets Manager sends them.', {
        code: 'ConfigurationError',
      });
    }
    const client = clientFor(env);
    const where = { secretId, versionId: token, step, strategy: strategy.name };

    const metadata = await aws(secretId, step, 'DescribeSecret', () => client.send(new DescribeSecretCommand({ SecretId: secretId })));
    if (metadata.RotationEnabled === false) {
      throw new RotationGuardError(`Secret ${secretId} is not enabled for rotation: enable it with RotateSecret (RotationLambdaARN and RotationRules).`, {
        code: 'RotationDisabled',
        secretId,
        step,
      });
    }
    const versions = metadata.VersionIdsToStages ?? {};
    const stages = versions[token];
    if (!stages) {
      throw new RotationGuardError(`Secret version ${token} has no stage for rotation of secret ${secretId}: start rotations with RotateSecret, which creates the AWSPENDING version first.`, {
        code: 'VersionNotFound',
        secretId,
        step,
      });
    }
    if (stages.includes('AWSCURRENT')) {
      logger.log('Secret version is already AWSCURRENT; nothing to do.', where);
      return;
    }
    if (!stages.includes('AWSPENDING')) {
      throw new RotationGuardError(`Secret version ${token} of secret ${secretId} is not AWSPENDING, so it cannot be rotated to.`, {
        code: 'VersionNotPending',
        secretId,
        step,
      });
    }
    if (!(STEPS as readonly string[]).includes(step)) {
      throw new RotationGuardError(`Invalid rotation step "${step}" for secret ${secretId}: expected one of ${STEPS.join(', ')}.`, {
        code: 'UnknownStep',
        secretId,
        step,
      });
    }

    const context = new StepContext(client, secretId, token, step as RotationStep, logger, { ...DEFAULT_PASSWORD_OPTIONS, ...passwordOptionsFromEnv(env), ...options.password });
    if (step === 'testSecret' && !(await context.pendingIfSet())) {
      context.configurationTest = true;
      logger.log('testSecret: the pending version has no value (RotateImmediately=false); testing the AWSCURRENT credentials.', where);
    }
    logger.log(`${step} started.`, where);
    try {
      switch (step as RotationStep) {
        case 'createSecret':
          await createSecret(strategy, context);
          break;
        case 'setSecret':
          await strategy.setSecret(context);
          break;
        case 'testSecret':
          await strategy.testSecret(context);
          break;
        case 'finishSecret':
          if ((await finishSecret(context, metadata)) && options.onFinished) {
            // The name, not the id given (an ARN or a name): instances register secrets by name.
            const finished = { secretId: metadata.Name ?? secretId, versionId: token };
            await Promise.resolve()
              .then(() => options.onFinished!(finished))
              .catch((e: unknown) => logger.warn('finishSecret: the onFinished hook failed; the rotation is complete.', { ...where, error: e instanceof Error ? e.name : 'Error' }));
          }
          break;
      }
    } catch (e) {
      logger.error(`${step} failed.`, { ...where, error: e instanceof Error ? e.name : 'Error', code: (e as { code?: string }).code });
      throw e;
    }
    logger.log(`${step} finished.`, where);
  };
}

async function createSecret(strategy: RotationStrategy, context: StepContext): Promise<void> {
  const current = await context.current();
  const existing = await context.pendingIfSet();
  if (existing) {
    context.logger.log('createSecret: the pending version already has a value; reusing it.', { secretId: context.secretId, versionId: context.token });
    return;
  }
  const value = await strategy.createPendingValue(current, context);
  try {
    await context.client.send(
      new PutSecretValueCommand({ SecretId: context.secretId, ClientRequestToken: context.token, SecretString: value, VersionStages: ['AWSPENDING'] }),
    );
  } catch (e) {
    // An overlapping invocation (a retry while the first attempt still ran) stored its value first:
    // versions are immutable, so keep that one.
    if ((e as { name?: string } | null)?.name === 'ResourceExistsException' && (await context.pendingIfSet())) {
      context.logger.log('createSecret: another invocation stored the pending value first; keeping it.', { secretId: context.secretId, versionId: context.token });
      return;
    }
    throw awsError(context.secretId, context.step, 'PutSecretValue', e);
  }
}

/** Moves AWSCURRENT to the pending version; whether it moved it (false: it was there already). */
async function finishSecret(context: StepContext, metadata: DescribeSecretCommandOutput): Promise<boolean> {
  const currentVersion = Object.entries(metadata.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
  if (currentVersion === context.token) return false;
  await aws(context.secretId, context.step, 'UpdateSecretVersionStage', () =>
    context.client.send(
      new UpdateSecretVersionStageCommand({
        SecretId: context.secretId,
        VersionStage: 'AWSCURRENT',
        MoveToVersionId: context.token,
        RemoveFromVersionId: currentVersion,
      }),
    ),
  );
  context.logger.log('finishSecret: AWSCURRENT moved to the new version.', { secretId: context.secretId, versionId: context.token, previousVersionId: currentVersion });
  return true;
}

/** Runs one Secrets Manager call; a failure becomes a RotationError naming the secret and the IAM action. */
async function aws<T>(secretId: string, step: string, action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw awsError(secretId, step, action, e);
  }
}

function awsError(secretId: string, step: string, action: string, e: unknown): RotationError {
  return new RotationError(`${action} on secret ${secretId} failed during ${step} (${(e as Error)?.name ?? 'Error'}); the rotation function needs secretsmanager:${action} on it.`, {
    code: 'AwsCallFailed',
    secretId,
    step,
    cause: e,
  });
}

/** The per-invocation {@link RotationContext}. */
class StepContext implements RotationContext {
  configurationTest = false;

  constructor(
    readonly client: SecretsManagerClient,
    readonly secretId: string,
    readonly token: string,
    readonly step: RotationStep,
    readonly logger: RotationLogger,
    private readonly passwordOptions: PasswordOptions,
  ) {}

  async current(): Promise<SecretVersion> {
    const v = await this.read(this.secretId, { VersionStage: 'AWSCURRENT' }, 'AWSCURRENT');
    if (!v) {
      throw new RotationError(`Secret ${this.secretId} has no AWSCURRENT value to rotate from: put an initial value first (PutSecretValue).`, {
        code: 'CurrentVersionMissing',
        secretId: this.secretId,
        step: this.step,
      });
    }
    return v;
  }

  async pendingIfSet(): Promise<SecretVersion | undefined> {
    return this.read(this.secretId, { VersionId: this.token, VersionStage: 'AWSPENDING' }, 'AWSPENDING');
  }

  async pending(): Promise<SecretVersion> {
    if (this.configurationTest) return this.current();
    const v = await this.pendingIfSet();
    if (!v) {
      throw new RotationError(`Secret ${this.secretId} version ${this.token} (AWSPENDING) has no value yet: run createSecret first.`, {
        code: 'VersionNotPending',
        secretId: this.secretId,
        step: this.step,
      });
    }
    return v;
  }

  async previous(): Promise<SecretVersion | undefined> {
    return this.read(this.secretId, { VersionStage: 'AWSPREVIOUS' }, 'AWSPREVIOUS');
  }

  async otherSecret(secretId: string, purpose: string): Promise<SecretVersion> {
    let v: SecretVersion | undefined;
    try {
      v = await this.read(secretId, { VersionStage: 'AWSCURRENT' }, 'AWSCURRENT');
    } catch (e) {
      throw new RotationError(`Could not read the ${purpose} secret ${secretId} named by secret ${this.secretId}; the rotation function needs secretsmanager:GetSecretValue on it (and kms:Decrypt on its key).`, {
        code: 'AwsCallFailed',
        secretId: this.secretId,
        step: this.step,
        cause: (e as Error).cause ?? e,
      });
    }
    if (!v) {
      throw new RotationError(`The ${purpose} secret ${secretId} named by secret ${this.secretId} has no AWSCURRENT value.`, {
        code: 'CurrentVersionMissing',
        secretId: this.secretId,
        step: this.step,
      });
    }
    return v;
  }

  async randomPassword(overrides: PasswordOptions = {}): Promise<string> {
    const o = { ...this.passwordOptions, ...overrides };
    const out = await aws(this.secretId, this.step, 'GetRandomPassword', () =>
      this.client.send(
        new GetRandomPasswordCommand({
          PasswordLength: o.passwordLength,
          ExcludeCharacters: o.excludeCharacters || undefined,
          ExcludeNumbers: o.excludeNumbers,
          ExcludePunctuation: o.excludePunctuation,
          ExcludeUppercase: o.excludeUppercase,
          ExcludeLowercase: o.excludeLowercase,
          IncludeSpace: o.includeSpace,
          RequireEachIncludedType: o.requireEachIncludedType,
        }),
      ),
    );
    if (!out.RandomPassword) {
      throw new RotationError(`GetRandomPassword returned no password while rotating secret ${this.secretId}.`, { code: 'AwsCallFailed', secretId: this.secretId, step: this.step });
    }
    return out.RandomPassword;
  }

  /** GetSecretValue; undefined when that version/stage has no value (ResourceNotFoundException). */
  private async read(secretId: string, select: { VersionId?: string; VersionStage: string }, stage: string): Promise<SecretVersion | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: secretId, ...select }));
      if (out.SecretString === undefined) {
        throw new RotationError(`Secret ${secretId} (${stage}) holds binary data; rotation strategies need a SecretString.`, {
          code: 'InvalidSecretShape',
          secretId,
          step: this.step,
        });
      }
      return new SecretVersion(secretId, out.VersionId ?? select.VersionId ?? '', out.VersionStages ?? [stage], out.SecretString, stage);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      if (e instanceof RotationError) throw e;
      throw new RotationError(`GetSecretValue (${stage}) on secret ${secretId} failed during ${this.step} (${(e as Error)?.name ?? 'Error'}); the rotation function needs secretsmanager:GetSecretValue on it (and kms:Decrypt when it uses a customer managed key).`, {
        code: 'AwsCallFailed',
        secretId,
        step: this.step,
        cause: e,
      });
    }
  }
}
