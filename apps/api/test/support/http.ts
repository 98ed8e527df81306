import Stripe from 'stripe';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';

/** Minimal JSON-over-HTTP client (global fetch) for the tests and the demo. */
export async function call(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function tokenFor(url: string, password = 'demo-password'): Promise<string> {
  const res = await call(url, 'POST', '/auth/token', { username: 'demo', password });
  if (res.status !== 200) throw new Error(`POST /auth/token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

export async function currentJson<T>(client: SecretsManagerClient, secretId: string, stage = 'AWSCURRENT'): Promise<T> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, VersionStage: stage }));
  return JSON.parse(out.SecretString as string) as T;
}

/** A `payment_intent.succeeded` event body and its `Stripe-Signature` made with `secret`. */
export function signedPaymentEvent(secret: string, opts: { intentId?: string; orderId?: string; amount?: number } = {}) {
  const payload = JSON.stringify({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    api_version: '2025-01-27',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: opts.intentId ?? `pi_${randomUUID().replace(/-/g, '')}`,
        object: 'payment_intent',
        amount: opts.amount ?? 1999,
        currency: 'usd',
        status: 'succeeded',
        metadata: opts.orderId ? { orderId: opts.orderId } : {},
      },
    },
  });
  const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret });
  return { payload, signature };
}
