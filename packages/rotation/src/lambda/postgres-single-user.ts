/**
 * AWS Lambda entry: PostgreSQL single-user rotation. Handler: `@keyturn/rotation/lambda/postgres-single-user`
 * (`dist/cjs/lambda/postgres-single-user.handler` in a zip).
 *
 * Environment: SECRETS_MANAGER_ENDPOINT (optional), AWS_REGION, PASSWORD_LENGTH (32),
 * EXCLUDE_CHARACTERS (`:/@"'\`), EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE,
 * EXCLUDE_LOWERCASE (false), REQUIRE_EACH_INCLUDED_TYPE (true), PG_CONNECT_TIMEOUT_MS (5000).
 */
import { envInteger, lambdaHandler } from '../lib/lambda-handler.js';
import type { RotationHandler } from '../lib/rotation.types.js';
import { postgresSingleUser } from '../lib/strategies/postgres-single-user.strategy.js';

export const handler: RotationHandler = lambdaHandler((env) => postgresSingleUser({ connectTimeoutMs: envInteger(env, 'PG_CONNECT_TIMEOUT_MS') }));
