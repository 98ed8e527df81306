import { defineSecret } from '@keyturn/nestjs';
import type { SecretNames } from '../config/secret-names.js';
import { JwtKeySecret, PostgresSecret, RedisSecret, SmtpSecret, StripeApiKeySecret, StripeWebhookSecret } from './secret-shapes.js';

/** Typed Keyturn definitions of every secret the API reads, for one application and environment. */
export function secretDefinitions(names: SecretNames) {
  return {
    postgres: defineSecret(names.postgres, { schema: PostgresSecret }),
    redis: defineSecret(names.redis, { schema: RedisSecret }),
    stripeApiKey: defineSecret(names.stripeApiKey, { schema: StripeApiKeySecret }),
    stripeWebhook: defineSecret(names.stripeWebhook, { schema: StripeWebhookSecret }),
    jwt: defineSecret(names.jwt, { schema: JwtKeySecret }),
    smtp: defineSecret(names.smtp, { schema: SmtpSecret }),
  };
}

/** The definitions, by name. */
export type SecretDefinitions = ReturnType<typeof secretDefinitions>;
