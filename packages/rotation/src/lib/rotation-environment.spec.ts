import { clientConfigFromEnv, DEFAULT_EXCLUDE_CHARACTERS, passwordOptionsFromEnv } from './rotation-environment';

describe('rotation environment', () => {
  it('reads the GetRandomPassword variables AWS sample functions read, omitting unset ones', () => {
    expect(passwordOptionsFromEnv({})).toEqual({});
    expect(
      passwordOptionsFromEnv({
        PASSWORD_LENGTH: '40',
        EXCLUDE_CHARACTERS: '/@',
        EXCLUDE_NUMBERS: 'true',
        EXCLUDE_PUNCTUATION: 'false',
        EXCLUDE_UPPERCASE: '1',
        EXCLUDE_LOWERCASE: 'no',
        REQUIRE_EACH_INCLUDED_TYPE: 'false',
      }),
    ).toEqual({
      passwordLength: 40,
      excludeCharacters: '/@',
      excludeNumbers: true,
      excludePunctuation: false,
      excludeUppercase: true,
      excludeLowercase: false,
      requireEachIncludedType: false,
    });
  });

  it('names the variable when a value is invalid', () => {
    expect(() => passwordOptionsFromEnv({ PASSWORD_LENGTH: '5000' })).toThrow(/PASSWORD_LENGTH/);
    expect(() => passwordOptionsFromEnv({ EXCLUDE_NUMBERS: 'maybe' })).toThrow(/EXCLUDE_NUMBERS/);
  });

  it('builds the client from SECRETS_MANAGER_ENDPOINT and AWS_REGION', () => {
    expect(clientConfigFromEnv({ SECRETS_MANAGER_ENDPOINT: 'http://127.0.0.1:4566', AWS_REGION: 'eu-west-1' })).toEqual({
      endpoint: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
    });
    expect(clientConfigFromEnv({ AWS_DEFAULT_REGION: 'us-east-2' })).toEqual({ region: 'us-east-2' });
  });

  it('defaults to the characters the RDS functions exclude', () => {
    expect([...DEFAULT_EXCLUDE_CHARACTERS].sort()).toEqual([':', '/', '@', '"', "'", '\\'].sort());
  });
});
