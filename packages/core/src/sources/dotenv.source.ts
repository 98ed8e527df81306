import { readFile } from 'node:fs/promises';
import { parse } from 'dotenv';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { SecretRequestError } from '../errors/secret-request.error.js';
import { INSPECT } from '../values/redaction.js';
import { MappedValues, type VariableMapping } from './mapped-values.js';
import type { SecretFetchResult, SecretRequest, SecretSource } from './secret-source.js';

/** Options of {@link DotenvSource}. */
export interface DotenvSourceOptions {
  /**
   * Path of the .env file; read on every fetch, so edits show up at the next refresh.
   * @default '.env'
   */
  path?: string;
  /**
   * Secret id to variable(s) of the file.
   * @example { 'app/jwt': 'JWT_SECRET', 'app/db': { username: 'DB_USER', password: 'DB_PASSWORD' } }
   */
  mapping: VariableMapping;
  /**
   * Name recorded as the value's source.
   * @default 'dotenv'
   */
  name?: string;
}

/** Serves secrets from a `.env` file, parsed with dotenv's parser (the file never reaches process.env). */
export class DotenvSource implements SecretSource {
  readonly name: string;
  readonly #path: string;
  readonly #mapping: VariableMapping;
  readonly #values: MappedValues;

  constructor(options: DotenvSourceOptions) {
    this.name = options.name ?? 'dotenv';
    this.#path = options.path ?? '.env';
    this.#mapping = { ...options.mapping };
    this.#values = new MappedValues(this.name, `the file ${this.#path}`);
  }

  async fetch(requests: readonly SecretRequest[]): Promise<SecretFetchResult[]> {
    let content: Buffer;
    try {
      content = await readFile(this.#path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const error =
        code === 'ENOENT'
          ? (id: string) => new SecretNotFoundError(`Secret "${id}" cannot be read: the file ${this.#path} does not exist`, { secretId: id, code: 'ENOENT', hint: `the file ${this.#path}` })
          : (id: string) => new SecretRequestError(`Secret "${id}" cannot be read from ${this.#path} (${code ?? 'read error'})`, { secretId: id, code: code ?? 'ReadError', cause: err, hint: `read permission on ${this.#path}` });
      return requests.map((request) => ({ request, ok: false as const, error: error(request.secretId) }));
    }
    return this.#values.resolve(requests, this.#mapping, parse(content));
  }

  toString(): string {
    return `DotenvSource(${this.name}: ${this.#path})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, path: this.#path, mapping: this.#mapping };
  }

  [INSPECT](): string {
    return this.toString();
  }
}
