/**
 * AWS Lambda entry: PostgreSQL alternating-users rotation. Handler: `@keyturn/rotation/lambda/postgres-alternating-users`
 * (`dist/cjs/lambda/postgres-alternating-users.handler` in a zip).
 *
 * Environment: SECRETS_MANAGER_ENDPOINT (optional), AWS_REGION, PASSWORD_LENGTH (32),
 * EXCLUDE_CHARACTERS (`:/@"'\`), EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE,
 * EXCLUDE_LOWERCASE (false), REQUIRE_EACH_INCLUDED_TYPE (true), PG_CONNECT_TIMEOUT_MS (5000).
 */
import { envInteger, lambdaHandler } from '../lib/lambda-handler.js';
import type { RotationHandler } from '../lib/rotation.types.js';
import { postgresAlternatingUsers } from '../lib/strategies/postgres-alternating-users.strategy.js';

export const handler: RotationHandler = lambdaHandler((env) => postgresAlternatingUsers({ connectTimeoutMs: envInteger(env, 'PG_CONNECT_TIMEOUT_MS') }));
