import { KeyturnError } from '../../errors/keyturn.error.js';

/**
 * A secret meant for a database or Redis connection does not have the shape the connection
 * needs (not JSON, or keys missing). Names the secret and the keys, never a value.
 */
export class InvalidConnectionSecretError extends KeyturnError {
  /** The keys that are missing or of the wrong type. */
  readonly keys: readonly string[];

  constructor(secretId: string, service: string, problem: string, keys: readonly string[] = []) {
    super(`secret "${secretId}" cannot configure a ${service} connection: ${problem}`, {
      secretId,
      code: 'InvalidConnectionSecret',
      hint: 'store a JSON object like the one the RDS / ElastiCache rotation functions write: {"host", "port", "username", "password"}',
    });
    this.keys = keys;
  }
}
