import { waitFor } from '@keyturn/testing';
import { LoadGenerator } from '../src/demo/load-generator';
import { call } from './support/http';
import { startTestStack, type TestStack } from './support/test-stack';

interface Health {
  status: string;
  details: { secrets: { status: string; state: string; degraded?: string[] } };
}

describe('Secrets Manager outage', () => {
  let s: TestStack;
  let load: LoadGenerator | undefined;

  beforeAll(async () => {
    s = await startTestStack({ env: 'outage', ttlMs: 1_000 });
  });
  afterAll(async () => {
    s?.emulator.faults.clear();
    await load?.stop();
    await s?.stop();
  });

  it('serves the last good secrets, reports health degraded (HTTP 200) and fails no request; recovers when it ends', async () => {
    load = new LoadGenerator({ url: s.url, client: s.client, webhookSecretId: s.options.secrets.stripeWebhook, concurrency: 3 });
    load.start();
    await waitFor(() => load!.stats().requests > 30, 'load to warm up');

    s.emulator.faults.set({ serverError: true });
    let health: Health | undefined;
    await waitFor(async () => {
      const res = await call(s.url, 'GET', '/health');
      health = res.body as Health;
      return res.status === 200 && health.details.secrets.state === 'degraded';
    }, 'health to report degraded secrets', 30_000, 100);
    expect(health!.status).toBe('ok');
    expect(health!.details.secrets.status).toBe('up');
    expect(health!.details.secrets.degraded!.length).toBeGreaterThan(0);

    // Requests keep succeeding on the stale values while the endpoint is down.
    const during = load.stats().requests;
    await waitFor(() => load!.stats().requests > during + 100, 'requests during the outage', 60_000);
    const page = await fetch(`${s.url}/status`).then((r) => r.text());
    expect(page).toMatch(/class="state-stale"/);

    s.emulator.faults.clear();
    await waitFor(async () => {
      const res = await call(s.url, 'GET', '/health');
      return (res.body as Health).details.secrets.state === 'up';
    }, 'health to recover', 60_000, 100);

    await load.stop();
    const stats = load.stats();
    expect(stats.recentFailures).toEqual([]);
    expect(stats.failures).toBe(0);
  });
});
