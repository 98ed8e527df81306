import { randomInt } from 'node:crypto';
import { Errors } from '../errors/service-error.js';

/** GetRandomPassword's options (Secrets Manager defaults). */
export interface PasswordOptions {
  length: number;
  excludeCharacters: string;
  excludeNumbers: boolean;
  excludePunctuation: boolean;
  excludeUppercase: boolean;
  excludeLowercase: boolean;
  includeSpace: boolean;
  requireEachIncludedType: boolean;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** A password drawn with a CSPRNG from the allowed classes, each class present when required. */
export function randomPassword(o: PasswordOptions): string {
  const excluded = new Set(o.excludeCharacters);
  const classes = [
    o.excludeLowercase ? '' : LOWER,
    o.excludeUppercase ? '' : UPPER,
    o.excludeNumbers ? '' : DIGITS,
    o.excludePunctuation ? '' : PUNCTUATION,
    o.includeSpace ? ' ' : '',
  ]
    .map((c) => [...c].filter((ch) => !excluded.has(ch)).join(''))
    .filter((c) => c.length > 0);
  if (classes.length === 0) throw Errors.invalidParameter('The password cannot be generated: every character is excluded.');
  if (o.requireEachIncludedType && o.length < classes.length) {
    throw Errors.invalidParameter(`PasswordLength must be at least ${classes.length} to include every requested character type.`);
  }
  const all = classes.join('');
  const chars: string[] = [];
  if (o.requireEachIncludedType) for (const c of classes) chars.push(c[randomInt(c.length)]!);
  while (chars.length < o.length) chars.push(all[randomInt(all.length)]!);
  // Fisher-Yates so the required characters do not sit at the front.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
