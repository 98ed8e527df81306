import { generatePassword, type PasswordOptions } from '@keyturn/core/connections';
import { Errors } from '../errors/service-error.js';

/**
 * A password from Keyturn's one generator (`generatePassword` of @keyturn/core/connections, which
 * has GetRandomPassword's semantics and defaults); options it cannot satisfy are the service's
 * InvalidParameterException.
 */
export function randomPassword(options: Omit<PasswordOptions, 'characters'>): string {
  try {
    return generatePassword(options);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    const message = error.message.replace(/^passwordLength/, 'PasswordLength');
    throw Errors.invalidParameter(`${message.charAt(0).toUpperCase()}${message.slice(1)}.`);
  }
}
