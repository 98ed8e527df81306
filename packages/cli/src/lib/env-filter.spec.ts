import { DEFAULT_EXCLUDES, filterEnvVariables, globToRegExp } from './env-filter';

const ENV = { NODE_ENV: 'production', PORT: '3000', LOG_LEVEL: 'info', EMPTY: '', STRIPE_KEY: 'sk', STRIPE_HOOK: 'wh', DB_PASSWORD: 'pw', LC_ALL: 'C' };

describe('filterEnvVariables', () => {
  it('keeps runtime settings and empty values out by default', () => {
    expect(filterEnvVariables(ENV, {})).toEqual({
      migrate: ['STRIPE_KEY', 'STRIPE_HOOK', 'DB_PASSWORD'],
      keptOut: { NODE_ENV: 'default', PORT: 'default', LOG_LEVEL: 'default', EMPTY: 'empty', LC_ALL: 'default' },
    });
    expect(DEFAULT_EXCLUDES).toEqual(expect.arrayContaining(['NODE_ENV', 'PORT', 'LOG_LEVEL', 'HOST']));
  });

  it('--include restricts to matches and brings back defaults it names; --exclude wins', () => {
    expect(filterEnvVariables(ENV, { include: ['STRIPE_*', 'PORT'] }).migrate).toEqual(['PORT', 'STRIPE_KEY', 'STRIPE_HOOK']);
    expect(filterEnvVariables(ENV, { include: ['STRIPE_*'], exclude: ['*_HOOK'] })).toMatchObject({ migrate: ['STRIPE_KEY'], keptOut: { STRIPE_HOOK: 'excluded', DB_PASSWORD: 'not-included' } });
    expect(filterEnvVariables(ENV, { defaultExcludes: false }).migrate).toHaveLength(Object.keys(ENV).length);
  });

  it('rejects patterns that cannot match a variable name', () => {
    expect(() => globToRegExp('--include', 'FOO[')).toThrow(/--include "FOO\[" is not a variable name pattern/);
    expect(globToRegExp('--exclude', 'A?C*').test('ABCDEF')).toBe(true);
    expect(globToRegExp('--exclude', 'A.B').test('AXB')).toBe(false);
  });
});
