import { randomUUID } from 'node:crypto';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import Stripe from 'stripe';
import { percentile } from './latency.js';

/** The kinds of request the load mixes. */
export type RequestKind = 'order' | 'read' | 'webhook' | 'email' | 'auth';

/** One failed request (no secret values: status and a short reason). */
export interface FailedRequest {
  readonly kind: RequestKind;
  readonly status: number;
  readonly reason: string;
  readonly at: Date;
}

/** Counters of a load run. */
export interface LoadStats {
  readonly requests: number;
  readonly failures: number;
  readonly byKind: Readonly<Record<RequestKind, number>>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly recentFailures: readonly FailedRequest[];
}

/** Options of {@link LoadGenerator}. */
export interface LoadGeneratorOptions {
  /** Base URL of the API. */
  readonly url: string;
  /** Concurrent workers. @default 4 */
  readonly concurrency?: number;
  /** Reads the webhook signing secret the way Stripe holds it (AWSCURRENT, refreshed every second). */
  readonly client: SecretsManagerClient;
  readonly webhookSecretId: string;
  /** @default 'demo-password' */
  readonly demoPassword?: string;
  /** Pause between requests of one worker. @default 0 */
  readonly pauseMs?: number;
}

const KINDS: RequestKind[] = ['order', 'webhook', 'read', 'email', 'auth'];

/**
 * Steady mixed traffic against the API: orders (PostgreSQL + Redis idempotency), order reads
 * (Redis cache), Stripe webhooks signed like Stripe does (with the signing secret it holds, so
 * right after a rotation some carry the previous secret), emails over SMTP and authenticated
 * calls with tokens re-issued every two seconds (so tokens signed with the previous key are in use).
 */
export class LoadGenerator {
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly latencies: number[] = [];
  private readonly failed: FailedRequest[] = [];
  private failureCount = 0;
  private readonly counts: Record<RequestKind, number> = { order: 0, read: 0, webhook: 0, email: 0, auth: 0 };
  private token: { value: string; at: number } | undefined;
  private tokenInflight: Promise<string> | undefined;
  private signing: { secret: string; at: number } | undefined;
  private readonly orderIds: string[] = [];

  constructor(private readonly options: LoadGeneratorOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    const n = this.options.concurrency ?? 4;
    this.workers = Array.from({ length: n }, (_, i) => this.worker(i));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
    this.workers = [];
  }

  stats(): LoadStats {
    return {
      requests: this.latencies.length,
      failures: this.failureCount,
      byKind: { ...this.counts },
      p50Ms: percentile(this.latencies, 50),
      p99Ms: percentile(this.latencies, 99),
      maxMs: this.latencies.reduce((m, v) => Math.max(m, v), 0),
      recentFailures: [...this.failed],
    };
  }

  private async worker(index: number): Promise<void> {
    let i = index;
    while (this.running) {
      const kind = KINDS[i++ % KINDS.length];
      await this.one(kind);
      if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private async one(kind: RequestKind): Promise<void> {
    const started = performance.now();
    let status = 0;
    let reason = '';
    try {
      ({ status, reason } = await this.perform(kind));
    } catch (err) {
      reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    this.latencies.push(performance.now() - started);
    this.counts[kind]++;
    if (reason) {
      this.failureCount++;
      this.failed.push({ kind, status, reason: reason.slice(0, 200), at: new Date() });
      if (this.failed.length > 20) this.failed.shift();
    }
  }

  /** Returns a non-empty reason when the request failed. */
  private async perform(kind: RequestKind): Promise<{ status: number; reason: string }> {
    const url = this.options.url;
    switch (kind) {
      case 'order': {
        const res = await this.post('/orders', { amountCents: 1000 + Math.floor(Math.random() * 9000), currency: 'usd', description: 'Load order' }, {
          authorization: `Bearer ${await this.bearer()}`,
          'idempotency-key': `load-${randomUUID()}`,
        });
        if (res.status === 201) {
          this.orderIds.push((res.body as { id: string }).id);
          if (this.orderIds.length > 200) this.orderIds.shift();
        }
        return { status: res.status, reason: res.status === 201 ? '' : this.describe(res) };
      }
      case 'read': {
        const id = this.orderIds[Math.floor(Math.random() * this.orderIds.length)];
        if (!id) return this.perform('auth');
        const res = await this.request('GET', `/orders/${id}`, undefined, { authorization: `Bearer ${await this.bearer()}` });
        return { status: res.status, reason: res.status === 200 ? '' : this.describe(res) };
      }
      case 'webhook': {
        const orderId = this.orderIds[Math.floor(Math.random() * this.orderIds.length)];
        const payload = JSON.stringify({
          id: `evt_${randomUUID().replace(/-/g, '')}`,
          object: 'event',
          type: 'payment_intent.succeeded',
          created: Math.floor(Date.now() / 1000),
          data: { object: { id: `pi_${randomUUID().replace(/-/g, '')}`, object: 'payment_intent', amount: 2500, currency: 'usd', metadata: orderId ? { orderId } : {} } },
        });
        const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: await this.webhookSecret() });
        const res = await this.request('POST', '/webhooks/stripe', payload, { 'content-type': 'application/json', 'stripe-signature': signature });
        return { status: res.status, reason: res.status === 200 ? '' : this.describe(res) };
      }
      case 'email': {
        const res = await this.post('/notifications/email', { to: 'customer@example.com', subject: 'Receipt', text: 'Thank you for your order.' }, { authorization: `Bearer ${await this.bearer()}` });
        return { status: res.status, reason: res.status === 202 ? '' : this.describe(res) };
      }
      case 'auth': {
        const res = await this.request('GET', '/auth/me', undefined, { authorization: `Bearer ${await this.bearer()}` });
        return { status: res.status, reason: res.status === 200 ? '' : this.describe(res) };
      }
    }
    void url;
  }

  private describe(res: { status: number; body: unknown }): string {
    const message = (res.body as { message?: unknown } | undefined)?.message;
    return `HTTP ${res.status}${message ? `: ${String(message)}` : ''}`;
  }

  /** A token re-issued every 2 s (one request for all workers). */
  private async bearer(): Promise<string> {
    if (this.token && Date.now() - this.token.at < 2_000) return this.token.value;
    this.tokenInflight ??= (async () => {
      const res = await this.post('/auth/token', { username: 'demo', password: this.options.demoPassword ?? 'demo-password' });
      this.counts.auth++;
      if (res.status !== 200) throw new Error(`POST /auth/token answered ${this.describe(res)}`);
      const value = (res.body as { accessToken: string }).accessToken;
      this.token = { value, at: Date.now() };
      return value;
    })().finally(() => (this.tokenInflight = undefined));
    return this.tokenInflight;
  }

  /** The signing secret as Stripe holds it: AWSCURRENT, re-read at most once a second. */
  private async webhookSecret(): Promise<string> {
    if (this.signing && Date.now() - this.signing.at < 1_000) return this.signing.secret;
    let out;
    try {
      out = await this.options.client.send(new GetSecretValueCommand({ SecretId: this.options.webhookSecretId }));
    } catch (err) {
      // Stripe does not depend on our Secrets Manager: while it is unreachable, keep signing with the secret we hold.
      if (this.signing) return this.signing.secret;
      throw err;
    }
    const secret = (JSON.parse(out.SecretString ?? '{}') as { webhookSecret: string }).webhookSecret;
    this.signing = { secret, at: Date.now() };
    return secret;
  }

  private post(path: string, body: unknown, headers: Record<string, string> = {}) {
    return this.request('POST', path, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
  }

  private async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.options.url + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }
}
