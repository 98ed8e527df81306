import { ServiceError } from '../errors/service-error.js';
import { PASSWORD_DEFAULTS } from '@keyturn/core/connections';
import { randomPassword } from './random-password.js';

const base = PASSWORD_DEFAULTS;

describe('randomPassword', () => {
  it('includes every class when required', () => {
    for (let i = 0; i < 50; i++) {
      const pw = randomPassword({ ...base, passwordLength: 4 });
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[^A-Za-z0-9]/);
    }
  });

  it('honours exclusions and spaces', () => {
    const pw = randomPassword({ ...base, passwordLength: 200, excludeCharacters: '/@"\'\\', excludeUppercase: true, includeSpace: true });
    expect(pw).toHaveLength(200);
    expect(pw).not.toMatch(/[A-Z/@"'\\]/);
    expect(pw).toContain(' ');
  });

  it('refuses when nothing is left to draw from', () => {
    expect(() => randomPassword({ ...base, excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true })).toThrow(ServiceError);
    expect(() => randomPassword({ ...base, passwordLength: 3 })).toThrow(new ServiceError('InvalidParameterException', 'PasswordLength must be at least 4 to include every requested character type.'));
  });
});
