import { BadRequestException, Controller, Headers, HttpCode, Post, Req, type RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import type Stripe from 'stripe';
import { PaymentsService } from '../payments/payments.service.js';
import { InvalidWebhookSignatureError } from './invalid-signature.error.js';
import { StripeWebhookVerifier } from './stripe-webhook-verifier.service.js';

/** Receives Stripe events. The raw body is verified before anything is parsed or stored. */
@Controller('webhooks')
export class StripeWebhookController {
  constructor(
    private readonly verifier: StripeWebhookVerifier,
    private readonly payments: PaymentsService,
  ) {}

  @Post('stripe')
  @HttpCode(200)
  async receive(@Req() req: RawBodyRequest<Request>, @Headers('stripe-signature') signature?: string) {
    if (!signature) throw new BadRequestException('Missing Stripe-Signature header');
    if (!req.rawBody || req.rawBody.length === 0) throw new BadRequestException('Empty webhook body');
    let event: Stripe.Event;
    try {
      event = await this.verifier.verify(req.rawBody, signature);
    } catch (err) {
      if (err instanceof InvalidWebhookSignatureError) throw new BadRequestException('Invalid Stripe-Signature');
      throw err;
    }
    if (event.type !== 'payment_intent.succeeded') return { received: true, handled: false, type: event.type };
    const intent = event.data.object as Stripe.PaymentIntent;
    if (typeof intent?.id !== 'string' || typeof intent.amount !== 'number' || typeof intent.currency !== 'string') {
      throw new BadRequestException('payment_intent.succeeded event without id, amount or currency');
    }
    const result = await this.payments.recordSucceeded(event.id, intent);
    return { received: true, handled: true, duplicate: !result.recorded, paymentIntentId: result.paymentIntentId };
  }
}
