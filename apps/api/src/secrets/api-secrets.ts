import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RotationWindow, type SecretHandle } from '@keyturn/nestjs';
import type { JwtKeySecret, SmtpSecret, StripeApiKeySecret, StripeWebhookSecret } from './secret-shapes.js';

/** The Keyturn handles {@link ApiSecrets} is built from. */
export interface ApiSecretHandles {
  readonly stripeApiKey: SecretHandle<StripeApiKeySecret>;
  readonly stripeWebhook: SecretHandle<StripeWebhookSecret>;
  readonly jwt: SecretHandle<JwtKeySecret>;
  readonly smtp: SecretHandle<SmtpSecret>;
}

interface Windows {
  readonly stripeWebhook: RotationWindow<StripeWebhookSecret>;
  readonly jwt: RotationWindow<JwtKeySecret>;
  readonly smtp: RotationWindow<SmtpSecret>;
}

/**
 * The secrets the API's own code reads (database and Redis credentials are handled by the
 * Keyturn TypeORM and ioredis integrations and never pass through here): the Keyturn handles, and
 * Keyturn `RotationWindow`s for the secrets whose previous version stays acceptable during a
 * rotation (signature verifiers) or that are refreshed after the server refused them (SMTP login).
 */
export class ApiSecrets implements OnApplicationBootstrap, OnApplicationShutdown {
  private windows: Windows | undefined;

  constructor(readonly handles: ApiSecretHandles) {}

  /** Webhook signing secrets Stripe signatures are checked against (current, then previous). */
  get stripeWebhook(): RotationWindow<StripeWebhookSecret> {
    return this.opened().stripeWebhook;
  }

  /** JWT signing keys (tokens signed with the previous key stay valid). */
  get jwt(): RotationWindow<JwtKeySecret> {
    return this.opened().jwt;
  }

  /** SMTP credentials (refreshed once, rate-limited, when the relay refuses the login). */
  get smtp(): RotationWindow<SmtpSecret> {
    return this.opened().smtp;
  }

  /**
   * Opens the rotation windows (each reads AWSPREVIOUS once). Runs at bootstrap, after every
   * module's init hook, so Keyturn's start-up load has finished.
   */
  async onApplicationBootstrap(): Promise<void> {
    const [stripeWebhook, jwt, smtp] = await Promise.all([
      RotationWindow.open(this.handles.stripeWebhook),
      RotationWindow.open(this.handles.jwt),
      RotationWindow.open(this.handles.smtp),
    ]);
    this.windows = { stripeWebhook, jwt, smtp };
  }

  onApplicationShutdown(): void {
    for (const w of Object.values(this.windows ?? {}) as RotationWindow<unknown>[]) w.close();
  }

  private opened(): Windows {
    if (!this.windows) throw new Error('API secrets are read after application bootstrap (their rotation windows open then)');
    return this.windows;
  }
}
