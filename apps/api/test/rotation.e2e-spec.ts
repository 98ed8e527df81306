import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { LoadGenerator } from '../src/demo/load-generator';
import { rotateNow, rotationPlans } from '../src/demo/rotations';
import { startTestStack, type TestStack } from './support/test-stack';
import { waitForAppVersion } from './support/wait-for-version';

describe('every rotation kind under steady load', () => {
  let s: TestStack;
  let load: LoadGenerator | undefined;

  beforeAll(async () => {
    // Steady load for three rounds of rotations exceeds the default per-user rate limit; this test is about rotation.
    s = await startTestStack({ env: 'rotation', ttlMs: 2_000, apiOverrides: { rateLimitPerMinute: 1_000_000 } });
  });
  afterAll(async () => {
    await load?.stop();
    await s?.stop();
  });

  it('rotates PostgreSQL (single and alternating users), Redis, Stripe, JWT and SMTP three times each with zero failed requests', async () => {
    load = new LoadGenerator({ url: s.url, client: s.client, webhookSecretId: s.options.secrets.stripeWebhook, concurrency: 4 });
    load.start();
    const done: string[] = [];
    const plans = rotationPlans(s.options.secrets);
    for (const plan of [...plans, ...plans, ...plans]) {
      const before = load.stats().requests;
      const result = await rotateNow(s.client, s.emulator, plan);
      await waitForAppVersion(s.url, plan.secretId, result.versionId);
      // Keep the load going on the new version for a moment before the next rotation.
      const target = load.stats().requests + 40;
      while (load.stats().requests < target) await new Promise((r) => setTimeout(r, 25));
      expect(load.stats().requests).toBeGreaterThan(before);
      done.push(plan.label);
    }
    await load.stop();
    const stats = load.stats();
    expect(stats.recentFailures).toEqual([]);
    expect(stats.failures).toBe(0);
    expect(done).toHaveLength(21);
    for (const label of new Set(done)) expect(done.filter((d) => d === label)).toHaveLength(3);
    for (const kind of ['order', 'read', 'webhook', 'email', 'auth'] as const) expect(stats.byKind[kind]).toBeGreaterThan(10);

    // Every webhook recorded exactly one payment; every email reached the SMTP server.
    const payments = Number((await s.sql('select count(*)::int as n from payments')).rows[0].n);
    expect(payments).toBe(stats.byKind.webhook);
    expect(s.smtp.received).toBe(stats.byKind.email);

    // Alternating users, after an odd number of rotations: the secret names the clone user, and the API's new connections use it.
    const pg = JSON.parse((await s.client.send(new GetSecretValueCommand({ SecretId: s.options.secrets.postgres }))).SecretString as string) as { username: string };
    expect(pg.username).toBe('payments_app_clone');
    const users = (await s.sql(`select distinct usename from pg_stat_activity where datname = 'payments' and usename like 'payments_app%'`)).rows.map((r) => r.usename);
    expect(users).toContain('payments_app_clone');
  });
});
