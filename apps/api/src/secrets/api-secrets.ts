import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SecretHandle } from '@keyturn/nestjs';
import { RotatingSecret } from './rotating-secret.js';
import type { JwtKeySecret, SmtpSecret, StripeApiKeySecret, StripeWebhookSecret } from './secret-shapes.js';

/** The Keyturn handles {@link ApiSecrets} is built from. */
export interface ApiSecretHandles {
  readonly stripeApiKey: SecretHandle<StripeApiKeySecret>;
  readonly stripeWebhook: SecretHandle<StripeWebhookSecret>;
  readonly jwt: SecretHandle<JwtKeySecret>;
  readonly smtp: SecretHandle<SmtpSecret>;
}

/**
 * The secrets the API's own code reads (database and Redis credentials are handled by the
 * Keyturn TypeORM and ioredis integrations and never pass through here).
 */
export class ApiSecrets implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly stripeApiKey: RotatingSecret<StripeApiKeySecret>;
  readonly stripeWebhook: RotatingSecret<StripeWebhookSecret>;
  readonly jwt: RotatingSecret<JwtKeySecret>;
  readonly smtp: RotatingSecret<SmtpSecret>;

  constructor(handles: ApiSecretHandles) {
    this.stripeApiKey = new RotatingSecret(handles.stripeApiKey);
    this.stripeWebhook = new RotatingSecret(handles.stripeWebhook);
    this.jwt = new RotatingSecret(handles.jwt);
    this.smtp = new RotatingSecret(handles.smtp);
  }

  private all(): RotatingSecret<unknown>[] {
    return [this.stripeApiKey, this.stripeWebhook, this.jwt, this.smtp] as RotatingSecret<unknown>[];
  }

  /**
   * Starts tracking previous versions (signature verifiers accept them during a rotation window).
   * Runs at bootstrap, after every module's init hook, so Keyturn's start-up load has finished.
   */
  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.all().map((s) => s.start()));
  }

  onApplicationShutdown(): void {
    for (const s of this.all()) s.stop();
  }
}
