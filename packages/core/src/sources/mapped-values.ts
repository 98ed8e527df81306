import { createHmac, randomBytes } from 'node:crypto';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { SecretValue } from '../values/secret-value.js';
import { describeVersion, isCurrentRequest, type SecretFetchResult, type SecretRequest } from './secret-source.js';

/**
 * Maps secret ids to variable names: a string maps the whole secret to one variable; an object
 * builds a JSON secret whose keys come from the named variables.
 * @example { 'app/jwt': 'JWT_SECRET', 'app/db': { username: 'DB_USER', password: 'DB_PASSWORD' } }
 */
export type VariableMapping = Record<string, string | Record<string, string>>;

/**
 * Resolves requests against a set of variables (process.env or a parsed .env file). Version ids
 * are an HMAC of the value under a per-instance random key: stable while the value is unchanged,
 * new when it changes, and useless for guessing the value.
 */
export class MappedValues {
  #key?: Buffer;

  constructor(
    private readonly sourceName: string,
    private readonly where: string,
  ) {}

  resolve(requests: readonly SecretRequest[], mapping: VariableMapping, vars: Record<string, string | undefined>): SecretFetchResult[] {
    return requests.map((request) => this.#one(request, mapping, vars));
  }

  #notFound(request: SecretRequest, detail: string, hint: string): SecretFetchResult {
    return { request, ok: false, error: new SecretNotFoundError(`Secret "${request.secretId}" ${detail}`, { secretId: request.secretId, code: 'ResourceNotFoundException', hint }) };
  }

  #one(request: SecretRequest, mapping: VariableMapping, vars: Record<string, string | undefined>): SecretFetchResult {
    const target = Object.prototype.hasOwnProperty.call(mapping, request.secretId) ? mapping[request.secretId] : undefined;
    if (target === undefined) return this.#notFound(request, `has no mapping in the ${this.sourceName} source`, `the ${this.sourceName} source mapping`);
    if (!isCurrentRequest(request)) {
      return this.#notFound(request, `(${describeVersion(request)}) is not available from ${this.where}: it holds the current value only`, 'the version stage of the reference');
    }
    let text: string;
    if (typeof target === 'string') {
      const v = vars[target];
      if (v === undefined) return this.#notFound(request, `is not set: ${this.where} has no variable ${target}`, `the variable ${target}`);
      text = v;
    } else {
      const obj: Record<string, string> = {};
      for (const [key, name] of Object.entries(target)) {
        const v = vars[name];
        if (v === undefined) return this.#notFound(request, `is incomplete: ${this.where} has no variable ${name} (JSON key "${key}")`, `the variable ${name}`);
        obj[key] = v;
      }
      text = JSON.stringify(obj);
    }
    const key = (this.#key ??= randomBytes(32));
    const h = createHmac('sha256', key).update(request.secretId).update('\0').update(text).digest('hex');
    const versionId = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
    return { request, ok: true, value: new SecretValue({ secretId: request.secretId, name: request.secretId, versionId, source: this.sourceName, secretString: text }) };
  }
}
