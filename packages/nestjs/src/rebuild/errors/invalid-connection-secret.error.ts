/**
 * A secret meant for a database or Redis connection does not have the shape the connection
 * needs (not JSON, or keys missing). Names the secret and the keys, never a value.
 */
export class InvalidConnectionSecretError extends Error {
  override name = this.constructor.name;
  readonly secretId: string;
  /** The keys that are missing or of the wrong type. */
  readonly keys: readonly string[];

  constructor(secretId: string, service: string, problem: string, keys: readonly string[] = [], cause?: unknown) {
    super(
      `secret "${secretId}" cannot configure a ${service} connection: ${problem}. ` +
        `Store a JSON object such as the one RDS / ElastiCache rotation writes (host, port, username, password).`,
      cause === undefined ? undefined : { cause },
    );
    this.secretId = secretId;
    this.keys = keys;
  }
}
