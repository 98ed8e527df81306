import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { PasswordOptions as CorePasswordOptions } from '@keyturn/core/connections';
import type { SecretVersion } from './secret-version.js';

/** The four steps Secrets Manager calls a rotation function with, in this order. */
export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** The event Secrets Manager sends a rotation Lambda (and the emulator sends a registered handler). */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep | string;
}

/** A Lambda-compatible rotation handler. */
export type RotationHandler = (event: RotationEvent) => Promise<void>;

/** Where handlers write progress; compatible with Nest's LoggerService and @keyturn/core's KeyturnLogger. Never receives a secret value. */
export interface RotationLogger {
  log(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
}

/**
 * Options for Secrets Manager's GetRandomPassword (the same names, camel-cased): the type of the
 * shared generator of @keyturn/core/connections. The rotation functions' defaults differ from the
 * API's in `excludeCharacters` (`:/@"'\`, see DEFAULT_PASSWORD_OPTIONS) and read the environment
 * (PASSWORD_LENGTH, EXCLUDE_CHARACTERS, EXCLUDE_NUMBERS, ...). `characters` is left out: the service has no such parameter.
 */
export type PasswordOptions = Omit<CorePasswordOptions, 'characters'>;

/** What a strategy's steps get: the event, reads of the versions involved and the shared helpers. */
export interface RotationContext {
  readonly secretId: string;
  /** The ClientRequestToken: the VersionId of the AWSPENDING version. */
  readonly token: string;
  readonly step: RotationStep;
  readonly client: SecretsManagerClient;
  readonly logger: RotationLogger;
  /** The AWSCURRENT version (fails with CurrentVersionMissing when there is none). */
  current(): Promise<SecretVersion>;
  /**
   * True when testSecret runs against an AWSPENDING version that has no value: RotateSecret with
   * `RotateImmediately: false` only tests the rotation configuration. `pending()` then returns
   * AWSCURRENT, so the test proves the function can read the secret and log in with it.
   */
  readonly configurationTest: boolean;
  /** The AWSPENDING version with VersionId = token (AWSCURRENT in a configuration test). */
  pending(): Promise<SecretVersion>;
  /** The AWSPREVIOUS version, if any. */
  previous(): Promise<SecretVersion | undefined>;
  /** AWSCURRENT of another secret (master / admin credentials), read with GetSecretValue. */
  otherSecret(secretId: string, purpose: string): Promise<SecretVersion>;
  /** A new password from GetRandomPassword with the handler's settings (environment, then options), `overrides` on top. */
  randomPassword(overrides?: PasswordOptions): Promise<string>;
}

/**
 * A kind of credential that can be rotated. createSecret and finishSecret are common to all
 * strategies (read AWSCURRENT, store the new value under AWSPENDING; move AWSCURRENT); a strategy
 * supplies the new value and the setSecret / testSecret work.
 */
export interface RotationStrategy {
  /** Short name used in log lines and errors, e.g. `postgres-single-user`. */
  readonly name: string;
  /** Builds the AWSPENDING SecretString from AWSCURRENT (createSecret, only when no pending value exists yet). */
  createPendingValue(current: SecretVersion, context: RotationContext): Promise<string>;
  /** Makes the rotated service accept the pending credentials. Must be harmless when run again. */
  setSecret(context: RotationContext): Promise<void>;
  /** Proves the pending credentials work. Must be harmless when run again. */
  testSecret(context: RotationContext): Promise<void>;
}
