/** A webhook whose `Stripe-Signature` matches neither the current nor the previous signing secret. */
export class InvalidWebhookSignatureError extends Error {
  override name = this.constructor.name;
}
