import { INSPECT } from '../values/redaction.js';
import { MappedValues, type VariableMapping } from './mapped-values.js';
import type { SecretFetchResult, SecretRequest, SecretSource } from './secret-source.js';

/** Options of {@link EnvSource}. */
export interface EnvSourceOptions {
  /**
   * Secret id to environment variable(s). Only mapped secrets are served.
   * @example { 'app/jwt': 'JWT_SECRET', 'app/db': { username: 'DB_USER', password: 'DB_PASSWORD' } }
   */
  mapping: VariableMapping;
  /**
   * The environment to read.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /**
   * Name recorded as the value's source.
   * @default 'env'
   */
  name?: string;
}

/** Serves secrets from environment variables through an explicit mapping (a development fallback). */
export class EnvSource implements SecretSource {
  readonly name: string;
  readonly #mapping: VariableMapping;
  readonly #env?: Record<string, string | undefined>;
  readonly #values: MappedValues;

  constructor(options: EnvSourceOptions) {
    this.name = options.name ?? 'env';
    this.#mapping = { ...options.mapping };
    this.#env = options.env;
    this.#values = new MappedValues(this.name, 'the environment');
  }

  async fetch(requests: readonly SecretRequest[]): Promise<SecretFetchResult[]> {
    return this.#values.resolve(requests, this.#mapping, this.#env ?? process.env);
  }

  toString(): string {
    return `EnvSource(${this.name})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, mapping: this.#mapping };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
