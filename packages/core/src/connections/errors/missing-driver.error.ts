import { KeyturnError } from '../../errors/keyturn.error.js';

/** An optional driver (`pg`, `ioredis`) that a connection helper needs is not installed. */
export class MissingDriverError extends KeyturnError {
  /** The npm package to install. */
  readonly packageName: string;

  constructor(packageName: string, cause?: unknown) {
    super(`the optional package "${packageName}" is not installed: add it to the application (npm install ${packageName})`, {
      code: 'MissingDriver',
      cause,
      hint: `npm install ${packageName}`,
    });
    this.packageName = packageName;
  }
}
