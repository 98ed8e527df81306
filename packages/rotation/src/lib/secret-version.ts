import { SecretShapeError } from './errors/secret-shape-error.js';

const REDACTED = '[redacted]';

/**
 * One version of a secret as a rotation step sees it. The value sits in a private field:
 * `toString`, `toJSON` and `util.inspect` show only the secret id, version id and stages.
 */
export class SecretVersion {
  readonly #value: string;

  constructor(
    readonly secretId: string,
    readonly versionId: string,
    readonly versionStages: readonly string[],
    value: string,
    /** The stage the version was read by (AWSCURRENT, AWSPENDING, AWSPREVIOUS), used in error messages. */
    readonly stage: string,
  ) {
    this.#value = value;
  }

  /** The raw SecretString. */
  text(): string {
    return this.#value;
  }

  /** The SecretString parsed as a JSON object; a SecretShapeError (without the value) otherwise. */
  json(): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(this.#value);
    } catch {
      throw new SecretShapeError(`Secret ${this.secretId} (${this.stage}, version ${this.versionId}) is not valid JSON; the strategy needs a JSON object.`, {
        secretId: this.secretId,
      });
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new SecretShapeError(`Secret ${this.secretId} (${this.stage}, version ${this.versionId}) is JSON but not an object.`, { secretId: this.secretId });
    }
    return parsed as Record<string, unknown>;
  }

  /** Whether the SecretString parses as a JSON object. */
  isJsonObject(): boolean {
    try {
      this.json();
      return true;
    } catch {
      return false;
    }
  }

  toString(): string {
    return `SecretVersion(${this.secretId} ${this.versionId} [${this.versionStages.join(',')}] ${REDACTED})`;
  }

  toJSON(): Record<string, unknown> {
    return { secretId: this.secretId, versionId: this.versionId, versionStages: [...this.versionStages], value: REDACTED };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
