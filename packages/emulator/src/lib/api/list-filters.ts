import { Errors } from '../errors/service-error.js';
import type { SecretRecord } from '../model/secret-record.js';
import type { Input } from './input.js';

/** A ListSecrets / BatchGetSecretValue filter. */
export interface Filter {
  key: string;
  values: string[];
}

const KEYS = new Set(['description', 'name', 'tag-key', 'tag-value', 'primary-region', 'owning-service', 'all']);
const VALUE_PATTERN = /^!?[a-zA-Z0-9 :_@/+=.\-!]*$/;

export function readFilters(input: Input): Filter[] | undefined {
  const list = input.structList('Filters', { max: 10 });
  if (!list) return undefined;
  return list.map((f) => {
    const key = f.string('Key');
    const values = f.stringList('Values', { min: 1, max: 10, item: { max: 512 } });
    if (key === undefined || !KEYS.has(key)) {
      throw Errors.validation(`1 validation error detected: Value '${key ?? 'null'}' at 'filters.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${[...KEYS].join(', ')}]`);
    }
    if (!values) throw Errors.invalidParameter(`Invalid filter values for key: ${key}`);
    for (const v of values) {
      if (!VALUE_PATTERN.test(v)) throw Errors.validation(`1 validation error detected: Value at 'filters.member.values' failed to satisfy constraint: Member must satisfy regular expression pattern: ^\\!?[a-zA-Z0-9 :_@\\/\\+\\=\\.\\-\\!]*$`);
    }
    return { key, values };
  });
}

function prefixed(candidates: readonly (string | undefined)[], prefix: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? prefix.toLowerCase() : prefix;
  return candidates.some((c) => c !== undefined && (ignoreCase ? c.toLowerCase() : c).startsWith(p));
}

/** Words of a text: split at spaces and `/_+=.@-`, then before upper-case letters (`MyTest` → My, Test). */
function words(text: string): string[] {
  return text
    .split(/[\s/_+=.@-]+/)
    .flatMap((part) => part.split(/(?=[A-Z][a-z])/))
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Every word of `pattern` starts some word of one attribute, ignoring case. */
function wordsMatch(attrs: readonly (string | undefined)[], pattern: string): boolean {
  const wanted = words(pattern);
  if (wanted.length === 0) return false;
  return attrs.some((a) => {
    if (a === undefined) return false;
    const have = words(a);
    return wanted.every((w) => have.some((h) => h.startsWith(w)));
  });
}

function matchesOne(secret: SecretRecord, key: string, value: string, region: string): boolean {
  switch (key) {
    case 'name':
      return prefixed([secret.name], value, false);
    case 'description':
      return wordsMatch([secret.description], value);
    case 'tag-key':
      return prefixed(secret.tags.map((t) => t.Key), value, false);
    case 'tag-value':
      return prefixed(secret.tags.map((t) => t.Value), value, false);
    case 'primary-region':
      return prefixed([region], value, false);
    case 'owning-service':
      return false;
    case 'all':
      return wordsMatch([secret.name, secret.description, ...secret.tags.flatMap((t) => [t.Key, t.Value])], value);
    default:
      return false;
  }
}

/**
 * `name`, `tag-key` and `tag-value` are case-sensitive prefix matches; `description` and `all`
 * break the value into words and match word prefixes ignoring case (as the service does).
 * A leading `!` negates a value. Values of one filter are alternatives (a negated value must
 * hold in any case); different filters must all match.
 */
export function matchesFilters(secret: SecretRecord, filters: readonly Filter[], region: string): boolean {
  return filters.every((f) => {
    const positive = f.values.filter((v) => !v.startsWith('!'));
    const negative = f.values.filter((v) => v.startsWith('!')).map((v) => v.slice(1));
    if (negative.some((v) => matchesOne(secret, f.key, v, region))) return false;
    return positive.length === 0 || positive.some((v) => matchesOne(secret, f.key, v, region));
  });
}

/** Opaque pagination token: base64 of `{o: offset}`; anything else is InvalidNextTokenException. */
export function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64');
}

export function decodeToken(token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown };
    if (typeof parsed.o === 'number' && Number.isInteger(parsed.o) && parsed.o >= 0) return parsed.o;
  } catch {
    // fall through
  }
  throw Errors.invalidNextToken();
}
