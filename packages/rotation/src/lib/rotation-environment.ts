import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { PASSWORD_DEFAULTS } from '@keyturn/core/connections';
import { RotationError } from './errors/rotation-error.js';
import type { PasswordOptions } from './rotation.types.js';

/** The characters AWS's RDS rotation functions exclude by default: `:/@"'\`. */
export const DEFAULT_EXCLUDE_CHARACTERS = ':/@"\'\\';

/** Password defaults of the database strategies, as AWS's sample functions have them. */
export const DEFAULT_PASSWORD_OPTIONS = {
  ...PASSWORD_DEFAULTS,
  excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
} as const satisfies Required<PasswordOptions>;

type Env = Record<string, string | undefined>;

function envBool(env: Env, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const v = raw.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  throw new RotationError(`Environment variable ${name} must be true or false.`, { code: 'ConfigurationError' });
}

function envInt(env: Env, name: string, min: number, max: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new RotationError(`Environment variable ${name} must be an integer from ${min} to ${max}.`, { code: 'ConfigurationError' });
  }
  return n;
}

/**
 * GetRandomPassword settings from the variables AWS's sample functions read:
 * PASSWORD_LENGTH, EXCLUDE_CHARACTERS, EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION,
 * EXCLUDE_UPPERCASE, EXCLUDE_LOWERCASE, REQUIRE_EACH_INCLUDED_TYPE. Unset variables are omitted.
 */
export function passwordOptionsFromEnv(env: Env = process.env): PasswordOptions {
  const out: PasswordOptions = {
    passwordLength: envInt(env, 'PASSWORD_LENGTH', 1, 4096),
    excludeCharacters: env.EXCLUDE_CHARACTERS,
    excludeNumbers: envBool(env, 'EXCLUDE_NUMBERS'),
    excludePunctuation: envBool(env, 'EXCLUDE_PUNCTUATION'),
    excludeUppercase: envBool(env, 'EXCLUDE_UPPERCASE'),
    excludeLowercase: envBool(env, 'EXCLUDE_LOWERCASE'),
    requireEachIncludedType: envBool(env, 'REQUIRE_EACH_INCLUDED_TYPE'),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as PasswordOptions;
}

/**
 * Secrets Manager client settings from the environment: `SECRETS_MANAGER_ENDPOINT` (any compatible
 * endpoint: AWS, a VPC endpoint, the Keyturn emulator, moto) and the region from `AWS_REGION`
 * (else `AWS_DEFAULT_REGION`). Credentials come from the SDK's default chain.
 */
export function clientConfigFromEnv(env: Env = process.env): SecretsManagerClientConfig {
  const config: SecretsManagerClientConfig = {};
  const endpoint = env.SECRETS_MANAGER_ENDPOINT;
  if (endpoint) config.endpoint = endpoint;
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  return config;
}
