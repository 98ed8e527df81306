/**
 * AWS Lambda entry: random key rotation (JWT signing keys, session secrets, API keys, webhook secrets).
 * Handler: `@keyturn/rotation/lambda/random-key` (`dist/cjs/lambda/random-key.handler` in a zip).
 *
 * Environment: SECRETS_MANAGER_ENDPOINT (optional), AWS_REGION, KEY_NAMES (comma-separated JSON
 * keys to rotate; unset = the secret is a plain string replaced whole), KEY_ENCODING (base64url |
 * hex | password; base64url), KEY_LENGTH (43 / 64 / 32 characters), KEY_CHARSET (alphabet for
 * `password`, drawn with node:crypto). For `password` without KEY_CHARSET, GetRandomPassword runs
 * with EXCLUDE_CHARACTERS, EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE, EXCLUDE_LOWERCASE
 * (each unset = nothing excluded) and REQUIRE_EACH_INCLUDED_TYPE (true).
 */
import { envFlag, envInteger, lambdaHandler } from '../lib/lambda-handler.js';
import type { RotationHandler } from '../lib/rotation.types.js';
import { randomKey, type RandomKeyEncoding } from '../lib/strategies/random-key.strategy.js';

export const handler: RotationHandler = lambdaHandler((env) => {
  const keys = env.KEY_NAMES?.split(',').map((k) => k.trim()).filter(Boolean);
  return randomKey({
    keys: keys && keys.length > 0 ? keys : undefined,
    encoding: (env.KEY_ENCODING || undefined) as RandomKeyEncoding | undefined,
    length: envInteger(env, 'KEY_LENGTH'),
    charset: env.KEY_CHARSET || undefined,
    exclude: {
      excludeCharacters: env.EXCLUDE_CHARACTERS ?? '',
      excludeNumbers: envFlag(env, 'EXCLUDE_NUMBERS', false),
      excludePunctuation: envFlag(env, 'EXCLUDE_PUNCTUATION', false),
      excludeUppercase: envFlag(env, 'EXCLUDE_UPPERCASE', false),
      excludeLowercase: envFlag(env, 'EXCLUDE_LOWERCASE', false),
      requireEachIncludedType: envFlag(env, 'REQUIRE_EACH_INCLUDED_TYPE', true),
    },
  });
});
