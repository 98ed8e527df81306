import { RotationError } from './rotation-error.js';

/** An optional peer (`pg` for the PostgreSQL strategies, `ioredis` for Redis) is not installed. */
export class MissingPeerDependencyError extends RotationError {
  override readonly name: string = this.constructor.name;
  readonly packageName: string;

  constructor(packageName: string, strategy: string, cause?: unknown) {
    super(`The ${strategy} rotation strategy needs the "${packageName}" package: install it next to @keyturn/rotation (npm install ${packageName}).`, {
      code: 'MissingPeerDependency',
      cause,
    });
    this.packageName = packageName;
  }
}
