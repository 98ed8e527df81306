import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { Order } from '../database/order.entity.js';
import { Payment } from '../database/payment.entity.js';

/** Outcome of recording a payment. */
export interface RecordPaymentResult {
  /** False when this payment intent was already recorded (Stripe retries deliveries). */
  readonly recorded: boolean;
  readonly paymentIntentId: string;
}

/** Records successful payments exactly once per payment intent and marks their order paid. */
@Injectable()
export class PaymentsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async recordSucceeded(eventId: string, intent: Stripe.PaymentIntent): Promise<RecordPaymentResult> {
    const orderId = typeof intent.metadata?.orderId === 'string' && /^[0-9a-f-]{36}$/i.test(intent.metadata.orderId) ? intent.metadata.orderId : null;
    return this.dataSource.transaction(async (manager) => {
      const inserted = await manager
        .createQueryBuilder()
        .insert()
        .into(Payment)
        .values({ paymentIntentId: intent.id, stripeEventId: eventId, orderId, amountCents: intent.amount, currency: intent.currency.toLowerCase() })
        .orIgnore()
        .returning(['id'])
        .execute();
      const recorded = inserted.raw.length > 0;
      if (recorded && orderId) {
        await manager.update(Order, { id: orderId }, { status: 'paid' });
      }
      return { recorded, paymentIntentId: intent.id };
    });
  }

  async findByPaymentIntent(paymentIntentId: string): Promise<Payment | null> {
    return this.dataSource.getRepository(Payment).findOneBy({ paymentIntentId });
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(Payment).count();
  }
}
