import { generatePassword, PASSWORD_DEFAULTS } from './password-generator.js';

describe('generatePassword', () => {
  it('has GetRandomPassword defaults: 32 characters with every class', () => {
    expect(PASSWORD_DEFAULTS.passwordLength).toBe(32);
    for (let i = 0; i < 50; i++) {
      const pw = generatePassword();
      expect(pw).toHaveLength(32);
      expect(pw).toMatch(/[a-z]/);
      expect(pw).toMatch(/[A-Z]/);
      expect(pw).toMatch(/[0-9]/);
      expect(pw).toMatch(/[^A-Za-z0-9]/);
      expect(pw).not.toContain(' ');
    }
  });

  it('includes every class even when the length equals the number of classes', () => {
    for (let i = 0; i < 50; i++) expect(generatePassword({ passwordLength: 4 })).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*[0-9])(?=.*[^A-Za-z0-9]).{4}$/);
  });

  it('honours exclusions and spaces', () => {
    const pw = generatePassword({ passwordLength: 200, excludeCharacters: '/@"\'\\', excludeUppercase: true, includeSpace: true });
    expect(pw).toHaveLength(200);
    expect(pw).not.toMatch(/[A-Z/@"'\\]/);
    expect(pw).toContain(' ');
    expect(generatePassword({ passwordLength: 64, excludePunctuation: true, excludeNumbers: true })).toMatch(/^[A-Za-z]{64}$/);
  });

  it('without requireEachIncludedType, draws from the allowed characters only', () => {
    expect(generatePassword({ passwordLength: 30, excludeCharacters: 'abcdefghijklmnopqrstuvwxyz', excludeUppercase: true, excludePunctuation: true, requireEachIncludedType: false })).toMatch(/^[0-9]{30}$/);
  });

  it('refuses when nothing is left to draw from, or the length cannot hold every class', () => {
    expect(() => generatePassword({ excludeLowercase: true, excludeUppercase: true, excludeNumbers: true, excludePunctuation: true })).toThrow(/every character is excluded/);
    expect(() => generatePassword({ passwordLength: 3 })).toThrow(/at least 4/);
    expect(() => generatePassword({ passwordLength: 0 })).toThrow(RangeError);
  });

  it('draws from exactly the given characters, every one of them in a long run', () => {
    const pw = generatePassword({ passwordLength: 2_000, characters: 'AB€' });
    expect(pw).toMatch(/^[AB€]{2000}$/u);
    expect(new Set(pw)).toEqual(new Set(['A', 'B', '€']));
    expect(() => generatePassword({ characters: '' })).toThrow(/every character is excluded/);
  });
});
