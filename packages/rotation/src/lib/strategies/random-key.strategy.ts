import { randomBytes } from 'node:crypto';
import { generatePassword } from '@keyturn/core/connections';
import { RotationError } from '../errors/rotation-error.js';
import { RotationStepError } from '../errors/rotation-step-error.js';
import { SecretShapeError } from '../errors/secret-shape-error.js';
import { UpstreamError } from '../errors/upstream-error.js';
import { DEFAULT_PASSWORD_OPTIONS } from '../rotation-environment.js';
import type { PasswordOptions, RotationContext, RotationStrategy } from '../rotation.types.js';
import type { SecretVersion } from '../secret-version.js';

/** How a key is written. */
export type RandomKeyEncoding = 'base64url' | 'hex' | 'password';

/** Options of {@link randomKey}. */
export interface RandomKeyOptions {
  /**
   * JSON keys to rotate; every other key of the secret is kept as it is. Without `keys` the secret
   * must be a plain string, which is replaced whole.
   * @default undefined (plain string secret)
   * @example { keys: ['jwtSigningKey', 'sessionSecret'] }
   */
  keys?: readonly string[];
  /**
   * Characters in each generated key.
   * @default 43 for base64url (256 bits), 64 for hex (256 bits), 32 for password
   */
  length?: number;
  /**
   * `base64url` and `hex` come from node:crypto's CSPRNG; `password` from GetRandomPassword
   * (with the exclude options below), or from node:crypto when `charset` is given.
   * @default 'base64url'
   */
  encoding?: RandomKeyEncoding;
  /**
   * For `encoding: 'password'`: the exact alphabet to draw from (uniformly, with node:crypto), instead of GetRandomPassword.
   * @example { encoding: 'password', charset: 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789' }
   */
  charset?: string;
  /**
   * For `encoding: 'password'` without `charset`: GetRandomPassword settings (its defaults, not the database ones: no excluded characters).
   * @example { exclude: { excludePunctuation: true } }
   */
  exclude?: Omit<PasswordOptions, 'passwordLength'>;
  /**
   * setSecret hook: give the new keys to whoever must accept them before they become current
   * (another service, a webhook provider). Must be harmless when run twice.
   * @default nothing (the consumers read AWSPREVIOUS/AWSCURRENT themselves)
   */
  apply?: (candidate: RandomKeyCandidate) => Promise<void> | void;
  /**
   * testSecret hook: prove the new keys work (e.g. sign and verify a token). Throwing fails the step.
   * @default checks that every key is present, has the configured length and changed
   */
  verify?: (candidate: RandomKeyCandidate) => Promise<void> | void;
}

/** What the hooks see. `pending` holds the new values; treat them as secrets. */
export interface RandomKeyCandidate {
  secretId: string;
  versionId: string;
  /** The rotated key names (`undefined` entry for a plain string secret). */
  keys: readonly (string | undefined)[];
  /** New value of a key (or of the whole plain secret with `undefined`). */
  pending(key?: string): string;
  /** Current value of a key (or of the whole plain secret). */
  current(key?: string): string | undefined;
}

const DEFAULT_LENGTH: Record<RandomKeyEncoding, number> = { base64url: 43, hex: 64, password: 32 };
const MAX_LENGTH = 4096;

/**
 * Rotates random keys: JWT signing keys, session secrets, internal API keys, webhook secrets.
 * Nothing outside Secrets Manager changes unless `apply` does it, so consumers should accept
 * AWSPREVIOUS for a while (verify signatures with both).
 *
 * @example createRotationHandler(randomKey({ keys: ['jwtSigningKey'], encoding: 'base64url', length: 64 }))
 */
export function randomKey(options: RandomKeyOptions = {}): RotationStrategy {
  const encoding = options.encoding ?? 'base64url';
  if (!(encoding in DEFAULT_LENGTH)) {
    throw new RotationError(`randomKey: encoding must be base64url, hex or password, not "${String(encoding)}".`, { code: 'ConfigurationError' });
  }
  const length = options.length ?? DEFAULT_LENGTH[encoding];
  if (!Number.isInteger(length) || length < 8 || length > MAX_LENGTH) {
    throw new RotationError(`randomKey: length must be an integer from 8 to ${MAX_LENGTH}.`, { code: 'ConfigurationError' });
  }
  if (options.charset !== undefined && (encoding !== 'password' || new Set(options.charset).size < 2)) {
    throw new RotationError('randomKey: charset needs encoding "password" and at least two distinct characters.', { code: 'ConfigurationError' });
  }
  if (options.keys !== undefined && (options.keys.length === 0 || options.keys.some((k) => typeof k !== 'string' || k === ''))) {
    throw new RotationError('randomKey: keys must be a non-empty list of JSON key names.', { code: 'ConfigurationError' });
  }
  return new RandomKeyStrategy(options, encoding, length);
}

class RandomKeyStrategy implements RotationStrategy {
  readonly name = 'random-key';

  constructor(
    private readonly options: RandomKeyOptions,
    private readonly encoding: RandomKeyEncoding,
    private readonly length: number,
  ) {}

  async createPendingValue(current: SecretVersion, context: RotationContext): Promise<string> {
    const keys = this.options.keys;
    if (!keys) {
      if (current.isJsonObject()) {
        throw new SecretShapeError(`Secret ${context.secretId} is a JSON object: name the keys to rotate (randomKey({ keys }) / KEY_NAMES), so the other keys are kept.`, {
          secretId: context.secretId,
          step: context.step,
        });
      }
      return this.generate(context);
    }
    const json = current.json();
    for (const key of keys) json[key] = await this.generate(context);
    return JSON.stringify(json);
  }

  async setSecret(context: RotationContext): Promise<void> {
    if (!this.options.apply) return;
    await this.hook(context, 'apply', this.options.apply);
  }

  async testSecret(context: RotationContext): Promise<void> {
    const candidate = await this.candidate(context);
    // A configuration test (RotateImmediately=false) has no new keys: check the current ones are readable.
    for (const key of context.configurationTest ? [] : candidate.keys) {
      const value = candidate.pending(key);
      const label = key === undefined ? 'the secret' : `key "${key}"`;
      if (value.length !== this.length || (this.options.charset !== undefined && [...value].some((c) => !this.options.charset!.includes(c)))) {
        throw new RotationStepError(`testSecret: ${label} of secret ${context.secretId} (AWSPENDING) does not have the configured length or alphabet.`, {
          code: 'TestSecretFailed',
          secretId: context.secretId,
          step: context.step,
        });
      }
      if (value === candidate.current(key)) {
        throw new RotationStepError(`testSecret: ${label} of secret ${context.secretId} did not change.`, { code: 'TestSecretFailed', secretId: context.secretId, step: context.step });
      }
    }
    if (this.options.verify) await this.hook(context, 'verify', this.options.verify, candidate);
  }

  private async hook(context: RotationContext, name: 'apply' | 'verify', fn: (c: RandomKeyCandidate) => Promise<void> | void, candidate?: RandomKeyCandidate): Promise<void> {
    const c = candidate ?? (await this.candidate(context));
    try {
      await fn(c);
    } catch (raw) {
      const e = UpstreamError.from(raw, c.keys.map((k) => c.pending(k)));
      throw new RotationStepError(`${context.step}: the randomKey ${name} hook rejected the new keys of secret ${context.secretId} (${e.message}).`, {
        code: context.step === 'setSecret' ? 'SetSecretFailed' : 'TestSecretFailed',
        secretId: context.secretId,
        step: context.step,
        cause: e,
      });
    }
  }

  private async candidate(context: RotationContext): Promise<RandomKeyCandidate> {
    const pending = await context.pending();
    const current = await context.current();
    const keys = this.options.keys;
    if (!keys) {
      return { secretId: context.secretId, versionId: context.token, keys: [undefined], pending: () => pending.text(), current: () => current.text() };
    }
    const p = pending.json();
    const c = current.isJsonObject() ? current.json() : {};
    for (const key of keys) {
      if (typeof p[key] !== 'string') {
        throw new SecretShapeError(`Secret ${context.secretId} (AWSPENDING) lacks the string key "${key}".`, { secretId: context.secretId, key, step: context.step });
      }
    }
    return {
      secretId: context.secretId,
      versionId: context.token,
      keys,
      pending: (key) => p[key as string] as string,
      current: (key) => (typeof c[key as string] === 'string' ? (c[key as string] as string) : undefined),
    };
  }

  private async generate(context: RotationContext): Promise<string> {
    const n = this.length;
    switch (this.encoding) {
      case 'base64url':
        return randomBytes(Math.ceil((n * 3) / 4)).toString('base64url').slice(0, n);
      case 'hex':
        return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
      case 'password': {
        const charset = this.options.charset;
        if (charset !== undefined) return generatePassword({ characters: charset, passwordLength: n });
        // The database strategies' defaults, but any character may appear in a key.
        return context.randomPassword({
          ...DEFAULT_PASSWORD_OPTIONS,
          excludeCharacters: '',
          ...this.options.exclude,
          passwordLength: n,
        });
      }
    }
  }
}
