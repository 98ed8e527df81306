import { RotationError } from './rotation-error.js';

/**
 * A secret version does not have the JSON shape the strategy needs (a missing or mistyped key,
 * or text that is not JSON). The message names the secret, the version stage and the key, never the value.
 */
export class SecretShapeError extends RotationError {
  override readonly name: string = this.constructor.name;
  readonly key?: string;

  constructor(message: string, details: { secretId: string; key?: string; step?: string; cause?: unknown }) {
    super(message, { ...details, code: 'InvalidSecretShape' });
    this.key = details.key;
  }
}
