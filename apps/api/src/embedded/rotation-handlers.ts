import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createRotationHandler, postgresAlternatingUsers, postgresSingleUser, randomKey, redisAclUser, SilentRotationLogger } from '@keyturn/rotation';
import { ROTATION_FUNCTIONS } from './rotation-functions.js';

/** The rotation functions of the sample, built with @keyturn/rotation, keyed by their Lambda ARN. */
export function rotationHandlers(client: SecretsManagerClient) {
  const options = { client, logger: new SilentRotationLogger() };
  return {
    [ROTATION_FUNCTIONS.postgresSingleUser]: createRotationHandler(postgresSingleUser(), options),
    [ROTATION_FUNCTIONS.postgresAlternatingUsers]: createRotationHandler(postgresAlternatingUsers(), options),
    [ROTATION_FUNCTIONS.redisAclUser]: createRotationHandler(redisAclUser(), options),
    [ROTATION_FUNCTIONS.stripeWebhookSecret]: createRotationHandler(randomKey({ keys: ['webhookSecret'] }), options),
    [ROTATION_FUNCTIONS.stripeApiKey]: createRotationHandler(randomKey({ keys: ['secretKey'] }), options),
    [ROTATION_FUNCTIONS.jwtKey]: createRotationHandler(randomKey({ keys: ['key'] }), options),
    [ROTATION_FUNCTIONS.smtpPassword]: createRotationHandler(randomKey({ keys: ['password'] }), options),
  };
}
