import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { SecretRef } from '@keyturn/core';

/** A class whose properties carry class-validator decorators. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SecretClassSchema<T extends object = object> = new (...args: any[]) => T;

/** What validates a secret: a class-validator class or any Standard Schema (zod, valibot, arktype...). */
export type SecretSchema<T = unknown> = T extends object ? SecretClassSchema<T> | StandardSchemaV1<unknown, T> : StandardSchemaV1<unknown, T>;

/** Options of {@link defineSecret}. */
export interface DefineSecretOptions<S = undefined> {
  /**
   * Validation schema: a class with class-validator decorators (turned into an instance with
   * class-transformer) or a Standard Schema object. Without it the value must be a string.
   * @default undefined (string value)
   * @example defineSecret('app/db', { schema: DatabaseCredentials })
   */
  schema?: S;
  /**
   * JSON key to pick from a JSON secret before validation.
   * @default undefined (the whole secret)
   * @example defineSecret('app/stripe', { key: 'webhookSecret' })
   */
  key?: string;
  /**
   * A required secret that cannot be loaded stops start-up; an optional one only degrades health.
   * @default true
   */
  required?: boolean;
  /**
   * Refresh interval for this secret, overriding the module `ttlMs`.
   * @default the module's ttlMs
   * @example 300_000
   */
  ttlMs?: number;
  /**
   * Version stage to read.
   * @default 'AWSCURRENT'
   */
  versionStage?: string;
  /**
   * Serve the secret's bytes as a `Uint8Array` (a `SecretBinary` as stored, a `SecretString` as
   * UTF-8). Without it a binary secret is read as UTF-8 text and must be valid UTF-8.
   * Not combined with `schema` or `key`.
   * @default false
   * @example defineSecret('app/tls-key', { binary: true })
   */
  binary?: boolean;
}

/** Output type a schema produces. */
export type SchemaOutput<S> = S extends StandardSchemaV1<unknown, infer O>
  ? O
  : S extends SecretClassSchema<infer I>
    ? I
    : string;

/**
 * A typed secret definition: the injection token (through {@link getSecretToken} /
 * `@InjectSecret(def)`) and the type source (`SecretType<typeof def>`).
 */
export interface SecretDefinition<T = unknown> {
  /** Unique injection token of this definition. */
  readonly KEY: symbol;
  /** The secret reference (name or ARN, version stage). */
  readonly ref: SecretRef;
  /** Secret name or ARN. */
  readonly secretId: string;
  readonly key?: string;
  readonly required: boolean;
  readonly ttlMs?: number;
  readonly schema?: SecretClassSchema | StandardSchemaV1;
  /** Serves the bytes (`Uint8Array`) instead of text. */
  readonly binary?: true;
  /** Phantom member that carries the value type; never set. */
  readonly __type?: T;
}

/** The value type of a definition: `SecretType<typeof databaseSecret>`. */
export type SecretType<D> = D extends SecretDefinition<infer T> ? T : never;
