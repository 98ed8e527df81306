import { randomInt } from 'node:crypto';

/**
 * Options of {@link generatePassword}: Secrets Manager's GetRandomPassword parameters, camel-cased,
 * with the same defaults.
 */
export interface PasswordOptions {
  /**
   * Number of characters.
   * @default 32
   * @example { passwordLength: 40 }
   */
  passwordLength?: number;
  /**
   * Characters never used.
   * @default ''
   * @example { excludeCharacters: ':/@"\'\\' }
   */
  excludeCharacters?: string;
  /** Leave out digits. @default false */
  excludeNumbers?: boolean;
  /** Leave out punctuation (``!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~``). @default false */
  excludePunctuation?: boolean;
  /** Leave out upper-case letters. @default false */
  excludeUppercase?: boolean;
  /** Leave out lower-case letters. @default false */
  excludeLowercase?: boolean;
  /** Allow the space character. @default false */
  includeSpace?: boolean;
  /** Use at least one character of every included class. @default true */
  requireEachIncludedType?: boolean;
  /**
   * Draw uniformly from exactly these characters instead of the classes above (not a
   * GetRandomPassword parameter; the class and exclude options are then ignored).
   * @default undefined
   * @example { characters: 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789' }
   */
  characters?: string;
}

/** Defaults of {@link PasswordOptions}, as GetRandomPassword has them. */
export const PASSWORD_DEFAULTS = {
  passwordLength: 32,
  excludeCharacters: '',
  excludeNumbers: false,
  excludePunctuation: false,
  excludeUppercase: false,
  excludeLowercase: false,
  includeSpace: false,
  requireEachIncludedType: true,
} as const satisfies Required<Omit<PasswordOptions, 'characters'>>;

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/**
 * A random password with GetRandomPassword's semantics, drawn locally with node:crypto's CSPRNG.
 * With `requireEachIncludedType`, every string of the length that holds each included class is
 * equally likely (rejection sampling), so no position is biased towards a class.
 * Throws a `RangeError` when every character is excluded, or the length cannot hold every class.
 *
 * @example generatePassword({ passwordLength: 32, excludeCharacters: ':/@"\'\\' })
 */
export function generatePassword(options: PasswordOptions = {}): string {
  const o = { ...PASSWORD_DEFAULTS, ...stripUndefined(options) };
  if (o.characters !== undefined) return draw([[...new Set(o.characters)].join('')], o.passwordLength, false);
  const excluded = new Set(o.excludeCharacters);
  const classes = [o.excludeLowercase ? '' : LOWER, o.excludeUppercase ? '' : UPPER, o.excludeNumbers ? '' : DIGITS, o.excludePunctuation ? '' : PUNCTUATION, o.includeSpace ? ' ' : '']
    .map((c) => [...c].filter((ch) => !excluded.has(ch)).join(''))
    .filter((c) => c.length > 0);
  if (classes.length === 0) throw new RangeError('the password cannot be generated: every character is excluded');
  if (o.requireEachIncludedType && o.passwordLength < classes.length) {
    throw new RangeError(`passwordLength must be at least ${classes.length} to include every requested character type`);
  }
  return draw(classes, o.passwordLength, o.requireEachIncludedType);
}

/** `length` characters from the union of `classes`; with `eachClass`, uniformly among the strings holding every class. */
function draw(classes: readonly string[], length: number, eachClass: boolean): string {
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`passwordLength must be a positive integer (got ${length})`);
  const alphabet = [...classes.join('')];
  if (alphabet.length === 0) throw new RangeError('the password cannot be generated: every character is excluded');
  for (;;) {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
    if (!eachClass || classes.every((c) => [...c].some((ch) => out.includes(ch)))) return out;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
