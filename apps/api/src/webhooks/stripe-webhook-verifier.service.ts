import { Injectable } from '@nestjs/common';
import type Stripe from 'stripe';
import { ApiSecrets } from '../secrets/api-secrets.js';
import { InvalidWebhookSignatureError } from './invalid-signature.error.js';
import { StripeClientService } from './stripe-client.service.js';

/** Stripe's signature error (matched by its `type`, which holds in both the CJS and the ESM build of the SDK). */
function isSignatureMismatch(err: unknown): boolean {
  return (err as { type?: unknown } | null)?.type === 'StripeSignatureVerificationError';
}

/**
 * Verifies `Stripe-Signature` with Keyturn's `RotationWindow`: against the current webhook secret
 * and, during a rotation window, the previous one. A signature that matches neither forces one
 * (rate-limited) refresh of the secret, for a rotation this instance has not picked up yet, before
 * it is refused.
 */
@Injectable()
export class StripeWebhookVerifier {
  constructor(
    private readonly secrets: ApiSecrets,
    private readonly stripe: StripeClientService,
  ) {}

  async verify(rawBody: Buffer, signatureHeader: string): Promise<Stripe.Event> {
    try {
      return await this.secrets.stripeWebhook.verify(
        ({ webhookSecret }) => this.stripe.get().webhooks.constructEvent(rawBody, signatureHeader, webhookSecret),
        { isMismatch: isSignatureMismatch },
      );
    } catch (err) {
      if (isSignatureMismatch(err)) {
        throw new InvalidWebhookSignatureError('Stripe-Signature does not match the webhook signing secret');
      }
      throw err;
    }
  }
}
