import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { ApiSecrets } from '../secrets/api-secrets.js';
import { InvalidWebhookSignatureError } from './invalid-signature.error.js';
import { StripeClientService } from './stripe-client.service.js';

/**
 * Verifies `Stripe-Signature` against the current webhook secret and, during a rotation window,
 * the previous one. A signature that matches neither forces one refresh of the secret (a rotation
 * this instance has not picked up yet) before it is refused.
 */
@Injectable()
export class StripeWebhookVerifier {
  constructor(
    private readonly secrets: ApiSecrets,
    private readonly stripe: StripeClientService,
  ) {}

  async verify(rawBody: Buffer, signatureHeader: string): Promise<Stripe.Event> {
    const first = this.tryKnownSecrets(rawBody, signatureHeader);
    if (first) return first;
    if (await this.secrets.stripeWebhook.refreshAfterRejection()) {
      const second = this.tryKnownSecrets(rawBody, signatureHeader);
      if (second) return second;
    }
    throw new InvalidWebhookSignatureError('Stripe-Signature does not match the webhook signing secret');
  }

  private tryKnownSecrets(rawBody: Buffer, header: string): Stripe.Event | undefined {
    const webhooks = this.stripe.get().webhooks;
    const candidates = [this.secrets.stripeWebhook.current(), this.secrets.stripeWebhook.previous()];
    for (const candidate of candidates) {
      if (!candidate) continue;
      try {
        return webhooks.constructEvent(rawBody, header, candidate.webhookSecret);
      } catch (err) {
        if ((err as { type?: string }).type !== 'StripeSignatureVerificationError') throw err;
      }
    }
    return undefined;
  }
}
