/**
 * AWS Lambda entry: Redis ACL user rotation. Handler: `@keyturn/rotation/lambda/redis-acl-user`
 * (`dist/cjs/lambda/redis-acl-user.handler` in a zip).
 *
 * Environment: SECRETS_MANAGER_ENDPOINT (optional), AWS_REGION, PASSWORD_LENGTH (32),
 * EXCLUDE_CHARACTERS (`:/@"'\`), EXCLUDE_NUMBERS, EXCLUDE_PUNCTUATION, EXCLUDE_UPPERCASE,
 * EXCLUDE_LOWERCASE (false), REQUIRE_EACH_INCLUDED_TYPE (true), SECRET_ARN (only this secret is
 * rotated), USER_NAME (the secret's username must match), ACL_SAVE (false: run ACL SAVE after
 * ACL SETUSER), REDIS_CONNECT_TIMEOUT_MS (5000).
 */
import { envFlag, envInteger, lambdaHandler } from '../lib/lambda-handler.js';
import type { RotationHandler } from '../lib/rotation.types.js';
import { redisAclUser } from '../lib/strategies/redis-acl-user.strategy.js';

export const handler: RotationHandler = lambdaHandler((env) =>
  redisAclUser({
    secretId: env.SECRET_ARN || undefined,
    username: env.USER_NAME || undefined,
    aclSave: envFlag(env, 'ACL_SAVE', false),
    connectTimeoutMs: envInteger(env, 'REDIS_CONNECT_TIMEOUT_MS'),
  }),
);
