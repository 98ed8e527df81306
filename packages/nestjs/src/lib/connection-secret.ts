import type { SecretInput } from '@keyturn/core/connections';
import { defineSecret } from './define-secret.js';
import type { SecretDefinition } from './interfaces/secret-definition.interface.js';
import type { SecretsService } from './secrets.service.js';

/**
 * A secret as the connection integrations (`/typeorm`, `/ioredis`) accept it: a definition from
 * `defineSecret` (with `{variables}` and a schema, as anywhere else), a plain secret id, or an
 * already resolved `SecretHandle` / `CredentialsSource`.
 */
export type ConnectionSecret = SecretDefinition<unknown> | string | SecretInput;

/** Whether `secret` is a `defineSecret` definition. */
export function isSecretDefinition(secret: unknown): secret is SecretDefinition<unknown> {
  return typeof secret === 'object' && secret !== null && typeof (secret as { KEY?: unknown }).KEY === 'symbol' && 'ref' in secret;
}

/**
 * Resolves a definition or id to a handle of the `SecretsModule` (loading it on demand, filling in
 * `{variables}`, validating with its schema); a handle or `CredentialsSource` is returned as is.
 * `secrets` is only asked for when a definition or id needs it.
 */
export async function resolveConnectionSecret(secret: ConnectionSecret, secrets: () => SecretsService, integration: string): Promise<SecretInput> {
  if (typeof secret !== 'string' && !isSecretDefinition(secret)) return secret;
  const def = typeof secret === 'string' ? defineSecret(secret) : secret;
  let service: SecretsService;
  try {
    service = secrets();
  } catch (error) {
    throw new TypeError(
      `${integration}: secret "${def.secretId}" is given by definition or id, which needs SecretsModule.forRoot() (or forRootAsync) in the application; or pass a SecretHandle or CredentialsSource`,
      { cause: error },
    );
  }
  return service.handle(def);
}
