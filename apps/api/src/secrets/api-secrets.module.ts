import { Global, Module, type DynamicModule } from '@nestjs/common';
import { getSecretToken, SecretsModule, type SecretHandle } from '@keyturn/nestjs';
import { ApiSecrets } from './api-secrets.js';
import { SECRET_DEFINITIONS } from './secrets.constants.js';
import type { SecretDefinitions } from './secret-definitions.js';
import type { JwtKeySecret, SmtpSecret, StripeApiKeySecret, StripeWebhookSecret } from './secret-shapes.js';


/** Registers the API's secrets with Keyturn and provides {@link ApiSecrets}. */
@Global()
@Module({})
export class ApiSecretsModule {
  static forRoot(defs: SecretDefinitions): DynamicModule {
    // Every secret is registered here, so one start-up error lists all that are missing or invalid
    // (the database and Redis modules read theirs through SecretsService).
    const feature = SecretsModule.forFeature(defs.postgres, defs.redis, defs.stripeApiKey, defs.stripeWebhook, defs.jwt, defs.smtp);
    return {
      module: ApiSecretsModule,
      imports: [feature],
      providers: [
        { provide: SECRET_DEFINITIONS, useValue: defs },
        {
          provide: ApiSecrets,
          inject: [getSecretToken(defs.stripeApiKey), getSecretToken(defs.stripeWebhook), getSecretToken(defs.jwt), getSecretToken(defs.smtp)],
          useFactory: (
            stripeApiKey: SecretHandle<StripeApiKeySecret>,
            stripeWebhook: SecretHandle<StripeWebhookSecret>,
            jwt: SecretHandle<JwtKeySecret>,
            smtp: SecretHandle<SmtpSecret>,
          ) => new ApiSecrets({ stripeApiKey, stripeWebhook, jwt, smtp }),
        },
      ],
      exports: [ApiSecrets, SECRET_DEFINITIONS],
    };
  }
}
