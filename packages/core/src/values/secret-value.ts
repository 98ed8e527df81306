import { KeyturnError } from '../errors/keyturn.error.js';
import { SecretKeyMissingError } from '../errors/secret-key-missing.error.js';
import { SecretKindError } from '../errors/secret-kind.error.js';
import { SecretParseError } from '../errors/secret-parse.error.js';
import { INSPECT } from './redaction.js';

/** What a source knows about one version of a secret. */
export interface SecretValueInit {
  secretId: string;
  name?: string;
  arn?: string;
  versionId: string;
  versionStages?: readonly string[];
  createdDate?: Date;
  /** Name of the source that served it (`aws`, `env`, `dotenv`, `memory`, ...). */
  source: string;
  /** The AWS region that served it, when the source is regional (e.g. `eu-west-1`). */
  region?: string;
  /** Exactly one of `secretString` and `secretBinary`. */
  secretString?: string;
  secretBinary?: Uint8Array;
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: KeyturnError };

/**
 * One immutable version of a secret. The raw value lives in a private field: it is never
 * enumerable, and `toString`, `toJSON` and `util.inspect` show metadata only.
 */
export class SecretValue {
  readonly secretId: string;
  readonly name?: string;
  readonly arn?: string;
  readonly versionId: string;
  readonly versionStages: readonly string[];
  readonly createdDate?: Date;
  readonly source: string;
  /** The AWS region that served this version, when the source knows it (replica-region failover). */
  readonly region?: string;
  readonly kind: 'string' | 'binary';
  #string?: string;
  #binary?: Uint8Array;
  #parsed?: Parsed;
  #decoded?: Parsed;

  constructor(init: SecretValueInit) {
    this.secretId = init.secretId;
    if (init.name !== undefined) this.name = init.name;
    if (init.arn !== undefined) this.arn = init.arn;
    this.versionId = init.versionId;
    this.versionStages = Object.freeze([...(init.versionStages ?? ['AWSCURRENT'])]);
    if (init.createdDate !== undefined) this.createdDate = init.createdDate;
    this.source = init.source;
    if (init.region !== undefined) this.region = init.region;
    if (init.secretBinary !== undefined) {
      this.kind = 'binary';
      this.#binary = new Uint8Array(init.secretBinary);
    } else {
      this.kind = 'string';
      this.#string = init.secretString ?? '';
    }
    Object.freeze(this);
  }

  /** The raw value: a string, or a copy of the bytes of a binary secret. */
  reveal(): string | Uint8Array {
    return this.#binary ? new Uint8Array(this.#binary) : (this.#string as string);
  }

  /**
   * The value as text: a string secret as is, a binary secret decoded as UTF-8.
   * @throws SecretKindError for a binary secret that is not valid UTF-8 (never replaced by U+FFFD).
   */
  text(): string {
    const decoded = (this.#decoded ??= this.#decode());
    if (!decoded.ok) throw decoded.error;
    return decoded.value as string;
  }

  /**
   * The JSON value, parsed once per version (later calls return the same object, frozen).
   * Nesting depth is not limited (freezing is iterative).
   * @throws SecretParseError naming the secret (never quoting the value) when it is not JSON;
   *   SecretKindError for a binary secret that is not valid UTF-8.
   */
  json<T = unknown>(): T {
    const parsed = (this.#parsed ??= this.#parse());
    if (!parsed.ok) throw parsed.error;
    return parsed.value as T;
  }

  /**
   * A top-level key of the JSON value.
   * @throws SecretKeyMissingError naming the secret and key; SecretParseError when not JSON.
   */
  field(key: string): unknown {
    const obj = this.json<unknown>();
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj) || !Object.prototype.hasOwnProperty.call(obj, key)) {
      throw new SecretKeyMissingError(`Secret "${this.secretId}" (version ${this.versionId}) has no JSON key "${key}"`, {
        secretId: this.secretId,
        code: 'KeyMissing',
        hint: `the JSON key "${key}" in the secret value`,
      });
    }
    return (obj as Record<string, unknown>)[key];
  }

  /** Whether the JSON value has `key` (false when it is not a JSON object). */
  hasField(key: string): boolean {
    try {
      this.field(key);
      return true;
    } catch {
      return false;
    }
  }

  #decode(): Parsed {
    if (this.#binary === undefined) return { ok: true, value: this.#string ?? '' };
    try {
      return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(this.#binary) };
    } catch {
      return {
        ok: false,
        error: new SecretKindError(`Secret "${this.secretId}" (version ${this.versionId}) is binary (SecretBinary) and not valid UTF-8 text; read its bytes with reveal()`, {
          secretId: this.secretId,
          code: 'InvalidUtf8',
          hint: 'the secret value encoding (text and JSON secrets are UTF-8)',
        }),
      };
    }
  }

  #parse(): Parsed {
    const decoded = (this.#decoded ??= this.#decode());
    if (!decoded.ok) return decoded;
    let value: unknown;
    try {
      value = JSON.parse(decoded.value as string);
    } catch {
      // JSON.parse messages quote the input, so neither the message nor the error is kept.
      return {
        ok: false,
        error: new SecretParseError(`Secret "${this.secretId}" (version ${this.versionId}) is not valid JSON`, {
          secretId: this.secretId,
          code: 'InvalidJson',
          hint: 'the secret value format (expected a JSON document)',
        }),
      };
    }
    return { ok: true, value: deepFreeze(value) };
  }

  /** Metadata only. */
  toJSON(): Record<string, unknown> {
    return {
      secretId: this.secretId,
      versionId: this.versionId,
      versionStages: this.versionStages,
      source: this.source,
      ...(this.region !== undefined ? { region: this.region } : {}),
      kind: this.kind,
      value: '[REDACTED]',
    };
  }

  toString(): string {
    return `SecretValue(${this.secretId}@${this.versionId} from ${this.source}, [REDACTED])`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** Freezes a parsed JSON value and everything in it, iteratively (JSON may nest deeper than the call stack). */
function deepFreeze<T>(root: T): T {
  const todo: unknown[] = [root];
  while (todo.length > 0) {
    const v = todo.pop();
    if (typeof v !== 'object' || v === null || Object.isFrozen(v)) continue;
    Object.freeze(v);
    for (const x of Object.values(v)) if (typeof x === 'object' && x !== null) todo.push(x);
  }
  return root;
}
