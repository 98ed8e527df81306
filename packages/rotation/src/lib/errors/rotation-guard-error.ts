import { RotationError, type RotationErrorCode } from './rotation-error.js';

/**
 * Thrown by the checks every step makes before doing anything (the guards of AWS's sample
 * rotation functions): rotation disabled, unknown version, version not AWSPENDING, unknown step.
 */
export class RotationGuardError extends RotationError {
  override readonly name: string = this.constructor.name;

  constructor(message: string, details: { code: RotationErrorCode; secretId: string; step?: string; cause?: unknown }) {
    super(message, details);
  }
}
