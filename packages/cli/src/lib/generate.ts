import { randomBytes, randomUUID } from 'node:crypto';
import { generatePassword, type PasswordOptions } from '@keyturn/core/connections';
import { UsageError } from './errors/usage-error.js';

/** Characters that are easy to misread or that break shells, URLs, JSON or .env files. */
export const AMBIGUOUS_OR_UNSAFE = '0O1lI|`\'"\\/@:;,. <>#%&$?{}[]()';

/** The only punctuation `password` uses. */
const SYMBOLS = '!*+-=^_~';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** `password` and `alnum` as GetRandomPassword settings of the shared generator (each included class at least once). */
const PASSWORD: PasswordOptions = { excludeCharacters: AMBIGUOUS_OR_UNSAFE + [...PUNCTUATION].filter((c) => !SYMBOLS.includes(c)).join('') };
const ALNUM: PasswordOptions = { excludeCharacters: AMBIGUOUS_OR_UNSAFE, excludePunctuation: true };

/** A parsed generator spec. */
export interface GeneratorSpec {
  kind: 'password' | 'alnum' | 'hex' | 'base64' | 'base64url' | 'uuid';
  /** Characters for password/alnum, random bytes for hex/base64/base64url. */
  size: number;
  /** The spec as written, for reports. */
  source: string;
}

const DEFAULTS = { password: 32, alnum: 32, hex: 32, base64: 32, base64url: 32, key: 32, uuid: 0 } as const;
const MINIMUM = { password: 24, alnum: 24, hex: 16, base64: 16, base64url: 16, key: 16, uuid: 0 } as const;

/**
 * Parses a generator spec. Grammar: `<kind>[[:]<n>]`.
 *
 * | kind | value | n (default, minimum) |
 * | --- | --- | --- |
 * | `password` | letters, digits and `!*+-=^_~`, no ambiguous characters (`0O1lI|`), each class at least once | characters (32, 24) |
 * | `alnum` | letters and digits without ambiguous characters | characters (32, 24) |
 * | `hex` | n random bytes, hex encoded | bytes (32, 16) |
 * | `base64` | n random bytes, base64 | bytes (32, 16) |
 * | `base64url`, `key` | n random bytes, base64url without padding | bytes (32, 16) |
 * | `uuid` | a random UUID v4 | — |
 *
 * @example parseGeneratorSpec('password')  // 32 characters
 * @example parseGeneratorSpec('hex:32')    // 64 hex digits
 * @example parseGeneratorSpec('key32')     // 32 bytes, base64url
 */
export function parseGeneratorSpec(spec: string): GeneratorSpec {
  const m = /^(password|alnum|hex|base64url|base64|key|uuid)(?::?(\d{1,4}))?$/.exec(spec.trim());
  if (!m) {
    throw new UsageError(
      `Unknown generator "${spec}". Use password[:n], alnum[:n], hex[:bytes], base64[:bytes], base64url[:bytes], key[:bytes] or uuid (e.g. password:32, hex:32, key32).`,
    );
  }
  const word = m[1] as keyof typeof DEFAULTS;
  if (word === 'uuid') {
    if (m[2] !== undefined) throw new UsageError(`Generator "uuid" takes no size (got "${spec}")`);
    return { kind: 'uuid', size: 0, source: spec };
  }
  const size = m[2] === undefined ? DEFAULTS[word] : Number(m[2]);
  if (size < MINIMUM[word] || size > 4096) {
    throw new UsageError(`Generator "${spec}": size must be between ${MINIMUM[word]} and 4096 (secure minimum for ${word})`);
  }
  const kind = word === 'key' ? 'base64url' : word;
  return { kind, size, source: spec };
}

/** Generates a value from a spec with node:crypto's CSPRNG. */
export function generateValue(spec: GeneratorSpec | string): string {
  const s = typeof spec === 'string' ? parseGeneratorSpec(spec) : spec;
  switch (s.kind) {
    case 'password':
      return generatePassword({ ...PASSWORD, passwordLength: s.size });
    case 'alnum':
      return generatePassword({ ...ALNUM, passwordLength: s.size });
    case 'hex':
      return randomBytes(s.size).toString('hex');
    case 'base64':
      return randomBytes(s.size).toString('base64');
    case 'base64url':
      return randomBytes(s.size).toString('base64url');
    case 'uuid':
      return randomUUID();
  }
}

/** Parses `key=spec` pairs of `--generate`. */
export function parseGenerateAssignments(pairs: readonly string[]): { key: string; spec: GeneratorSpec }[] {
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const i = pair.indexOf('=');
    if (i <= 0) throw new UsageError(`--generate expects key=spec (e.g. password=password:32), got "${pair}"`);
    const key = pair.slice(0, i).trim();
    if (seen.has(key)) throw new UsageError(`--generate names key "${key}" twice`);
    seen.add(key);
    return { key, spec: parseGeneratorSpec(pair.slice(i + 1)) };
  });
}
