import { generatePassword } from '@keyturn/core/connections';
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

/**
 * A password from Keyturn's one generator (`generatePassword` of @keyturn/core/connections, which
 * has GetRandomPassword's semantics); options it cannot satisfy are the service's
 * InvalidParameterException.
 */
export function randomPassword({ length, ...options }: PasswordOptions): string {
  try {
    return generatePassword({ ...options, passwordLength: length });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = error.message.replace(/^passwordLength/, 'PasswordLength');
    throw Errors.invalidParameter(`${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
  }
}
