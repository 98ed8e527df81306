/** What went wrong, as a stable string to branch on (the message is for people). */
export type RotationErrorCode =
  | 'RotationDisabled'
  | 'VersionNotFound'
  | 'VersionNotPending'
  | 'UnknownStep'
  | 'CurrentVersionMissing'
  | 'InvalidSecretShape'
  | 'ConfigurationError'
  | 'LoginFailed'
  | 'SetSecretFailed'
  | 'TestSecretFailed'
  | 'AwsCallFailed'
  | 'MissingPeerDependency';

/**
 * Base class of every error a rotation handler throws. It names the secret, the step and what to
 * do; it never carries a secret value (the underlying AWS, PostgreSQL or Redis error is kept as `cause`).
 */
export class RotationError extends Error {
  override readonly name: string = this.constructor.name;
  readonly code: RotationErrorCode;
  readonly secretId?: string;
  readonly step?: string;

  constructor(message: string, details: { code: RotationErrorCode; secretId?: string; step?: string; cause?: unknown }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = details.code;
    this.secretId = details.secretId;
    this.step = details.step;
  }
}
