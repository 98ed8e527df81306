import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createRotatingClient, credentialsFromSecretHandle, type RotatingClient } from '@keyturn/core/connections';
import Stripe from 'stripe';
import { ApiSecrets } from '../secrets/api-secrets.js';
import type { StripeApiKeySecret } from '../secrets/secret-shapes.js';

/** The Stripe SDK client, built from the secret API key and rebuilt by Keyturn's `RotatingClient` when the key rotates. */
@Injectable()
export class StripeClientService implements OnApplicationBootstrap, OnApplicationShutdown {
  private rotating: RotatingClient<Stripe, StripeApiKeySecret> | undefined;

  constructor(private readonly secrets: ApiSecrets) {}

  async onApplicationBootstrap(): Promise<void> {
    this.rotating = await createRotatingClient<Stripe, StripeApiKeySecret>(credentialsFromSecretHandle(this.secrets.handles.stripeApiKey), {
      // No network call here: the SDK connects lazily, and the API only uses it offline (webhook verification).
      create: (value) => new Stripe(value.secretKey, { maxNetworkRetries: 1, timeout: 10_000 }),
      logger: new Logger('Stripe'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rotating?.close();
  }

  /** The client for the current API key (use it synchronously; it is swapped on rotation). */
  get(): Stripe {
    if (!this.rotating) throw new Error(`Stripe client for ${this.secrets.handles.stripeApiKey.secretId} is not ready before application bootstrap`);
    return this.rotating.client;
  }

  /** Version id of the API key the current client was built from. */
  version(): string | undefined {
    return this.rotating?.versionId;
  }
}
