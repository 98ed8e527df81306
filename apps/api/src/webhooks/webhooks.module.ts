import { Module } from '@nestjs/common';
import { PaymentsService } from '../payments/payments.service.js';
import { StripeClientService } from './stripe-client.service.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { StripeWebhookVerifier } from './stripe-webhook-verifier.service.js';

@Module({ controllers: [StripeWebhookController], providers: [StripeClientService, StripeWebhookVerifier, PaymentsService], exports: [StripeClientService] })
export class WebhooksModule {}
