import { RotationError, type RotationErrorCode } from './rotation-error.js';

/**
 * A step could not do its work against the rotated service or Secrets Manager (login refused,
 * `ALTER USER` / `ACL SETUSER` refused, the pending credentials did not pass the test).
 * The service's own error is the `cause`; neither carries a password.
 */
export class RotationStepError extends RotationError {
  override readonly name: string = this.constructor.name;

  constructor(message: string, details: { code: RotationErrorCode; secretId: string; step: string; cause?: unknown }) {
    super(message, details);
  }
}
