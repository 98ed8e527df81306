import { call, currentJson, signedPaymentEvent, tokenFor } from './support/http';
import { startTestStack, type TestStack } from './support/test-stack';

describe('payments API over the real stack (emulator, PostgreSQL, Redis, SMTP)', () => {
  let s: TestStack;
  let token: string;
  let webhookSecret: string;

  beforeAll(async () => {
    s = await startTestStack();
    token = await tokenFor(s.url);
    webhookSecret = (await currentJson<{ webhookSecret: string }>(s.client, s.options.secrets.stripeWebhook)).webhookSecret;
  });
  afterAll(async () => {
    await s?.stop();
  });

  const auth = () => ({ authorization: `Bearer ${token}` });
  const count = async (table: string) => Number((await s.sql(`select count(*)::int as n from ${table}`)).rows[0].n);

  describe('POST /auth/token and guarded routes', () => {
    it('issues a token for the demo user that opens guarded routes', async () => {
      const me = await call(s.url, 'GET', '/auth/me', undefined, auth());
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('demo');
    });

    it('refuses a wrong password, an unknown user and an invalid body', async () => {
      expect((await call(s.url, 'POST', '/auth/token', { username: 'demo', password: 'nope' })).status).toBe(401);
      expect((await call(s.url, 'POST', '/auth/token', { username: 'ghost', password: 'demo-password' })).status).toBe(401);
      const invalid = await call(s.url, 'POST', '/auth/token', { username: 'demo', password: 'demo-password', admin: true });
      expect(invalid.status).toBe(400);
      expect(JSON.stringify(invalid.body.message)).toContain('admin should not exist');
    });

    it('refuses a missing, malformed, tampered or foreign-key token with 401', async () => {
      const [h, p] = token.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'x', username: 'admin' })).toString('base64url')}.${token.split('.')[2]}`;
      const { JwtService } = await import('@nestjs/jwt');
      const foreign = await new JwtService().signAsync({ sub: 'x', username: 'demo' }, { secret: 'an-attacker-key-that-is-long-enough-0000', keyid: 'abc' });
      for (const headers of [{} as Record<string, string>, { authorization: 'Bearer' }, { authorization: `Bearer ${tampered}` }, { authorization: `Bearer ${foreign}` }, { authorization: `Basic ${p}` }]) {
        const res = await call(s.url, 'GET', '/auth/me', undefined, headers);
        expect(res.status).toBe(401);
      }
      expect((await call(s.url, 'POST', '/orders', { amountCents: 500, currency: 'usd', description: 'x' }, { 'idempotency-key': 'key-00000001', authorization: `Bearer ${foreign}` })).status).toBe(401);
      expect(await count('orders')).toBe(0);
    });
  });

  describe('POST /orders', () => {
    it('creates an order once per Idempotency-Key and reads it back through the cache', async () => {
      const body = { amountCents: 2500, currency: 'eur', description: 'Two books' };
      const first = await call(s.url, 'POST', '/orders', body, { ...auth(), 'idempotency-key': 'order-key-0001' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ amountCents: 2500, currency: 'eur', status: 'pending' });
      const again = await call(s.url, 'POST', '/orders', body, { ...auth(), 'idempotency-key': 'order-key-0001' });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(await count('orders')).toBe(1);
      const read1 = await call(s.url, 'GET', `/orders/${first.body.id}`, undefined, auth());
      const read2 = await call(s.url, 'GET', `/orders/${first.body.id}`, undefined, auth());
      expect(read1.status).toBe(200);
      expect(read1.headers.get('x-cache')).toBe('miss');
      expect(read2.headers.get('x-cache')).toBe('hit');
      expect(read2.body.id).toBe(first.body.id);
    });

    it('rejects invalid bodies and missing idempotency keys with 400 and stores nothing', async () => {
      const before = await count('orders');
      const bad = [
        [{ amountCents: 10, currency: 'usd', description: 'too small' }, 'order-key-bad1', 'amountCents'],
        [{ amountCents: 500, currency: 'xxx', description: 'bad currency' }, 'order-key-bad2', 'currency'],
        [{ amountCents: 500, currency: 'usd', description: 'extra', discount: 100 }, 'order-key-bad3', 'discount should not exist'],
        [{ amountCents: '500', currency: 'usd', description: 'string amount' }, 'order-key-bad4', 'amountCents'],
        [{ amountCents: 500, currency: 'usd', description: 'no key' }, undefined, 'Idempotency-Key'],
        [{ amountCents: 500, currency: 'usd', description: 'short key' }, 'k', 'Idempotency-Key'],
      ] as const;
      for (const [body, key, mention] of bad) {
        const res = await call(s.url, 'POST', '/orders', body, { ...auth(), ...(key ? { 'idempotency-key': key } : {}) });
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body.message)).toContain(mention);
      }
      const malformed = await call(s.url, 'POST', '/orders', '{"amountCents": 5', { ...auth(), 'idempotency-key': 'order-key-bad5', 'content-type': 'application/json' });
      expect(malformed.status).toBe(400);
      expect(await count('orders')).toBe(before);
      expect((await call(s.url, 'GET', '/orders/not-a-uuid', undefined, auth())).status).toBe(400);
      expect((await call(s.url, 'GET', '/orders/6b1c6f7e-0000-4000-8000-000000000000', undefined, auth())).status).toBe(404);
    });

    it('rate-limits per user in Redis: over the limit is a 429 and nothing is stored', async () => {
      const limit = s.options.rateLimitPerMinute;
      const ok = await call(s.url, 'POST', '/orders', { amountCents: 700, currency: 'usd', description: 'rl' }, { ...auth(), 'idempotency-key': 'order-key-rl01' });
      expect(ok.status).toBe(201);
      expect(Number(ok.headers.get('x-ratelimit-limit'))).toBe(limit);
      expect(Number(ok.headers.get('x-ratelimit-remaining'))).toBeLessThan(limit);
      const me = await call(s.url, 'GET', '/auth/me', undefined, auth());
      const minute = Math.floor(Date.now() / 60_000);
      // Exhaust this window and the next (the request may cross a minute boundary).
      for (const w of [minute, minute + 1]) await s.redis.command('SET', `rl:${me.body.id}:${w}`, limit, 'EX', 120);
      const before = await count('orders');
      const limited = await call(s.url, 'POST', '/orders', { amountCents: 700, currency: 'usd', description: 'rl' }, { ...auth(), 'idempotency-key': 'order-key-rl02' });
      expect(limited.status).toBe(429);
      expect(await count('orders')).toBe(before);
      for (const w of [minute, minute + 1]) await s.redis.command('DEL', `rl:${me.body.id}:${w}`);
    });
  });

  describe('POST /webhooks/stripe', () => {
    it('records a payment_intent.succeeded once and marks its order paid', async () => {
      const order = await call(s.url, 'POST', '/orders', { amountCents: 1999, currency: 'usd', description: 'Paid order' }, { ...auth(), 'idempotency-key': 'order-key-pay1' });
      const { payload, signature } = signedPaymentEvent(webhookSecret, { intentId: 'pi_test_once', orderId: order.body.id });
      const first = await call(s.url, 'POST', '/webhooks/stripe', payload, { 'stripe-signature': signature, 'content-type': 'application/json' });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ handled: true, duplicate: false, paymentIntentId: 'pi_test_once' });
      const retry = await call(s.url, 'POST', '/webhooks/stripe', payload, { 'stripe-signature': signature, 'content-type': 'application/json' });
      expect(retry.body).toMatchObject({ handled: true, duplicate: true });
      const rows = (await s.sql(`select amount_cents, order_id from payments where payment_intent_id = 'pi_test_once'`)).rows;
      expect(rows).toEqual([{ amount_cents: 1999, order_id: order.body.id }]);
      const paid = await s.sql('select status from orders where id = $1', [order.body.id]);
      expect(paid.rows[0].status).toBe('paid');
    });

    it('refuses a bad, missing or foreign signature and a tampered body with 400 and stores nothing', async () => {
      const before = await count('payments');
      const { payload, signature } = signedPaymentEvent(webhookSecret, { intentId: 'pi_test_bad' });
      const foreign = signedPaymentEvent('whsec_someone_else_entirely_000000', { intentId: 'pi_test_bad' });
      const cases: [string, Record<string, string>][] = [
        [payload, {}],
        [payload, { 'stripe-signature': 't=1,v1=deadbeef' }],
        [payload, { 'stripe-signature': foreign.signature }],
        [payload.replace('1999', '1'), { 'stripe-signature': signature }],
      ];
      for (const [body, headers] of cases) {
        const res = await call(s.url, 'POST', '/webhooks/stripe', body, { 'content-type': 'application/json', ...headers });
        expect(res.status).toBe(400);
        expect(String(res.body.message)).toMatch(/Stripe-Signature/);
      }
      expect(await count('payments')).toBe(before);
    });

    it('acknowledges other event types without storing them', async () => {
      const payload = JSON.stringify({ id: 'evt_other', object: 'event', type: 'customer.created', data: { object: { id: 'cus_1', object: 'customer' } } });
      const Stripe = (await import('stripe')).default;
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: webhookSecret });
      const res = await call(s.url, 'POST', '/webhooks/stripe', payload, { 'stripe-signature': signature, 'content-type': 'application/json' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ handled: false, type: 'customer.created' });
    });
  });

  describe('POST /notifications/email', () => {
    it('sends through the SMTP server with the credentials from the secret', async () => {
      const before = s.smtp.received;
      const res = await call(s.url, 'POST', '/notifications/email', { to: 'buyer@example.com', subject: 'Your receipt', text: 'Thanks!' }, auth());
      expect(res.status).toBe(202);
      expect(res.body.messageId).toEqual(expect.any(String));
      expect(s.smtp.received).toBe(before + 1);
      expect(s.smtp.messages().at(-1)).toMatchObject({ to: ['buyer@example.com'], subject: 'Your receipt' });
    });

    it('rejects invalid bodies with 400 and sends nothing', async () => {
      const before = s.smtp.received;
      for (const body of [{ to: 'not-an-email', subject: 's', text: 't' }, { to: 'a@example.com', subject: '', text: 't' }, { to: 'a@example.com', subject: 's', text: 't', bcc: 'x@example.com' }, {}]) {
        const res = await call(s.url, 'POST', '/notifications/email', body, auth());
        expect(res.status).toBe(400);
      }
      expect((await call(s.url, 'POST', '/notifications/email', { to: 'a@example.com', subject: 's', text: 't' })).status).toBe(401);
      expect(s.smtp.received).toBe(before);
    });
  });

  describe('GET /health', () => {
    it('reports database, Redis and secrets up, with no secret value in the payload', async () => {
      const res = await call(s.url, 'GET', '/health');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.info.database.status).toBe('up');
      expect(res.body.info.redis.status).toBe('up');
      expect(res.body.info.secrets).toMatchObject({ status: 'up', state: 'up' });
      expect(Object.keys(res.body.info.secrets.secrets)).toEqual(expect.arrayContaining([s.options.secrets.postgres, s.options.secrets.jwt, s.options.secrets.stripeWebhook]));
      const raw = JSON.stringify(res.body);
      const jwt = await currentJson<{ key: string }>(s.client, s.options.secrets.jwt);
      expect(raw).not.toContain(jwt.key);
      expect(raw).not.toContain(webhookSecret);
    });
  });
});
