import { waitFor } from '@keyturn/testing';
import { call, tokenFor } from './support/http';
import { startTestStack, type TestStack } from './support/test-stack';

interface Probe {
  status: number;
  body: { status: string; details: Record<string, { status: string; state?: string; counts?: Record<string, number>; secrets?: Record<string, unknown> }> };
}

describe('/health/live and /health/ready (Kubernetes probes)', () => {
  let s: TestStack;
  let token: string;
  const probe = async (path: string, auth = false): Promise<Probe> => (await call(s.url, 'GET', path, undefined, auth ? { authorization: `Bearer ${token}` } : {})) as Probe;

  beforeAll(async () => {
    // The default of KEYTURN_HEALTH_DETAILS: details for authenticated callers only.
    s = await startTestStack({ env: 'probes', ttlMs: 1_000, apiOverrides: { healthDetails: 'authenticated' } });
    token = await tokenFor(s.url);
  });
  afterAll(async () => {
    s?.emulator.faults.clear();
    await s?.sql('SELECT 1').catch(() => undefined);
    await s?.stop();
  });

  it('live checks nothing external; ready checks database, Redis and secrets; details only for an authenticated caller', async () => {
    const live = await probe('/health/live');
    expect(live).toMatchObject({ status: 200, body: { status: 'ok', details: {} } });
    const anonymous = await probe('/health/ready');
    expect(anonymous.status).toBe(200);
    expect(anonymous.body.details).toEqual({
      database: { status: 'up' },
      redis: { status: 'up' },
      secrets: { status: 'up', state: 'up', counts: { total: 6, failing: 0, degraded: 0 } },
    });
    expect(JSON.stringify(anonymous.body)).not.toContain('payments/probes/');
    const operator = await probe('/health/ready', true);
    expect(Object.keys(operator.body.details.secrets.secrets!)).toContain(s.options.secrets.jwt);
    expect((await probe('/health')).body).toEqual(anonymous.body);
  });

  it('a Secrets Manager outage leaves the instance ready (degraded) and live', async () => {
    s.emulator.faults.set({ serverError: true });
    try {
      await waitFor(async () => (await probe('/health/ready')).body.details.secrets.state === 'degraded', 'ready to report degraded secrets', 30_000, 100);
      const ready = await probe('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
      expect(ready.body.details.secrets).toMatchObject({ status: 'up', state: 'degraded' });
      expect(ready.body.details.secrets.counts!.degraded).toBeGreaterThan(0);
      const detailed = await probe('/health/ready', true);
      expect(Object.values(detailed.body.details.secrets.secrets!).some((d) => (d as { state: string }).state === 'stale')).toBe(true);
      expect((await probe('/health/live')).status).toBe(200);
    } finally {
      s.emulator.faults.clear();
    }
    await waitFor(async () => (await probe('/health/ready')).body.details.secrets.state === 'up', 'secrets to recover', 30_000, 100);
  });

  it('a database outage takes the instance out of readiness (503) and keeps it live; both recover', async () => {
    // Refuse new connections to the app's database and close the open ones.
    const admin = async (sql: string) => {
      const { Client } = await import('pg');
      const c = new Client({ ...s.pg.adminConfig(), database: 'postgres' });
      await c.connect();
      try {
        await c.query(sql);
      } finally {
        await c.end();
      }
    };
    await admin('ALTER DATABASE payments ALLOW_CONNECTIONS false');
    try {
      await admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'payments' AND pid <> pg_backend_pid()");
      let ready: Probe | undefined;
      await waitFor(async () => (ready = await probe('/health/ready')).status === 503, 'ready to fail during the database outage', 30_000, 200);
      expect(ready!.body.status).toBe('error');
      expect(ready!.body.details.database).toEqual({ status: 'down' });
      expect(ready!.body.details.redis).toEqual({ status: 'up' });
      expect(ready!.body.details.secrets.status).toBe('up');
      const live = await probe('/health/live');
      expect(live.status).toBe(200);
      expect(live.body.status).toBe('ok');
    } finally {
      await admin('ALTER DATABASE payments ALLOW_CONNECTIONS true');
    }
    await waitFor(async () => (await probe('/health/ready')).status === 200, 'ready to recover', 30_000, 200);
    expect((await probe('/health/live')).status).toBe(200);
  });
});
