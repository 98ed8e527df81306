import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import Stripe from 'stripe';
import { ApiSecrets } from '../secrets/api-secrets.js';

/** The Stripe SDK client, built from the secret API key and rebuilt when that key rotates. */
@Injectable()
export class StripeClientService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(StripeClientService.name);
  private client: Stripe | undefined;
  private builtFromVersion: string | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly secrets: ApiSecrets) {}

  onApplicationBootstrap(): void {
    this.build();
    this.unsubscribe = this.secrets.stripeApiKey.onRotation(() => this.build());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /** The client for the current API key. */
  get(): Stripe {
    if (!this.client) this.build();
    return this.client as Stripe;
  }

  /** Version id of the API key the current client was built from (for the status page and tests). */
  version(): string | undefined {
    return this.builtFromVersion;
  }

  private build(): void {
    const value = this.secrets.stripeApiKey.current();
    const versionId = this.secrets.stripeApiKey.versionId();
    if (versionId === this.builtFromVersion && this.client) return;
    // No network call here: the SDK connects lazily, and the API only uses it offline (webhook verification).
    this.client = new Stripe(value.secretKey, { maxNetworkRetries: 1, timeout: 10_000 });
    if (this.builtFromVersion) this.logger.log(`Stripe client rebuilt for ${this.secrets.stripeApiKey.secretId} version ${versionId}`);
    this.builtFromVersion = versionId;
  }
}
