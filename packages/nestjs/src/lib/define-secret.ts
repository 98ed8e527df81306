import type { StandardSchemaV1 } from '@standard-schema/spec';
import { parseSecretRef, type SecretRef } from '@keyturn/core';
import type {
  DefineSecretOptions,
  SchemaOutput,
  SecretClassSchema,
  SecretDefinition,
} from './interfaces/secret-definition.interface.js';

/**
 * Defines a typed secret: the returned object is the injection token (`@InjectSecret(def)`,
 * `getSecretToken(def)`) and the type source (`SecretType<typeof def>`). Register it with
 * `SecretsModule.forFeature(def)`.
 *
 * @param ref secret name or ARN (`{variables}` from the module options are filled in), or the
 *   ECS form `name:json-key:version-stage:version-id`
 * @example
 * export const databaseSecret = defineSecret('{app}/{env}/db', { schema: DatabaseCredentials });
 * export const jwtKey = defineSecret('{app}/{env}/jwt', { key: 'signingKey' });
 * export const tlsKey = defineSecret('{app}/{env}/tls-key', { binary: true }); // Uint8Array
 */
export function defineSecret(ref: string | SecretRef, options: Omit<DefineSecretOptions<undefined>, 'schema' | 'key' | 'binary'> & { binary: true }): SecretDefinition<Uint8Array>;
export function defineSecret<S extends SecretClassSchema | StandardSchemaV1 | undefined = undefined>(ref: string | SecretRef, options?: DefineSecretOptions<S>): SecretDefinition<SchemaOutput<S>>;
export function defineSecret<S extends SecretClassSchema | StandardSchemaV1 | undefined = undefined>(
  ref: string | SecretRef,
  options: DefineSecretOptions<S> = {},
): SecretDefinition<SchemaOutput<S>> {
  // A name with {variables} is checked once the variables are filled in (at registration).
  const parsed: SecretRef = typeof ref === 'string' && /\{[A-Za-z_]/.test(ref) ? { secretId: ref } : parseSecretRef(ref);
  const key = options.key ?? parsed.jsonKey;
  const schema = options.schema as SecretClassSchema | StandardSchemaV1 | undefined;
  if (schema !== undefined && typeof schema !== 'function' && !(typeof schema === 'object' && schema !== null && '~standard' in schema)) {
    throw new TypeError(`defineSecret('${parsed.secretId}'): schema must be a class with class-validator decorators or a Standard Schema object`);
  }
  if (options.binary !== undefined && typeof options.binary !== 'boolean') {
    throw new TypeError(`defineSecret('${parsed.secretId}'): binary must be true or false`);
  }
  if (options.binary === true && (schema !== undefined || key !== undefined)) {
    throw new TypeError(`defineSecret('${parsed.secretId}'): binary serves the raw bytes; it cannot be combined with schema or key`);
  }
  if (options.ttlMs !== undefined && !(typeof options.ttlMs === 'number' && options.ttlMs > 0)) {
    throw new TypeError(`defineSecret('${parsed.secretId}'): ttlMs must be a positive number of milliseconds`);
  }
  const versionStage = options.versionStage ?? parsed.versionStage;
  const secretRef: SecretRef = {
    secretId: parsed.secretId,
    ...(versionStage !== undefined ? { versionStage } : {}),
    ...(parsed.versionId !== undefined ? { versionId: parsed.versionId } : {}),
  };
  // Readable in Nest's DI errors; the schema name keeps two definitions of one secret apart.
  const schemaName = typeof schema === 'function' ? `:${schema.name}` : schema !== undefined ? ':schema' : options.binary === true ? ':binary' : '';
  const label = `${parsed.secretId}${key === undefined ? '' : `#${key}`}${schemaName}`;
  return Object.freeze({
    KEY: Symbol(`Secret(${label})`),
    ref: Object.freeze(secretRef),
    secretId: parsed.secretId,
    ...(key !== undefined ? { key } : {}),
    required: options.required ?? true,
    ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
    ...(schema !== undefined ? { schema } : {}),
    ...(options.binary === true ? { binary: true as const } : {}),
  });
}

/** The injection token of a secret definition (for custom providers and `moduleRef.get`). */
export function getSecretToken(def: SecretDefinition<unknown>): symbol {
  return def.KEY;
}
