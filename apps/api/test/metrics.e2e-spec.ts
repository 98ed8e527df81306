import { GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { waitFor } from '@keyturn/testing';
import { rotateNow, rotationPlans } from '../src/demo/rotations';
import { call, currentJson, tokenFor } from './support/http';
import { startTestStack, type TestStack } from './support/test-stack';
import { waitForAppVersion } from './support/wait-for-version';

/** One sample of a Prometheus text exposition: `name{labels} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
    if (!m) throw new Error(`not Prometheus text: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

describe('/metrics: Prometheus text from the OpenTelemetry exporter', () => {
  let s: TestStack;
  const scrape = async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };
  const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v)).reduce((a, x) => a + x.value, 0);

  beforeAll(async () => {
    s = await startTestStack({ env: 'metrics', ttlMs: 2_000 });
  });
  afterAll(async () => {
    s?.emulator.faults.clear();
    await s?.stop();
  });

  it('exposes the cache, API, refresh, age, state, rotation, error and connection metrics, with no secret value', async () => {
    const names = s.options.secrets;
    const token = await tokenFor(s.url);
    for (let i = 0; i < 5; i++) expect((await call(s.url, 'GET', '/auth/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
    // A healthy start reports no errors: the JWT key's AWSPREVIOUS (read for the rotation window)
    // does not exist before its first rotation, which is an answer, not a failed fetch.
    expect(parse(await scrape()).filter((x) => x.name === 'keyturn_errors_total')).toEqual([]);

    // A rotation of the Redis ACL user: a new version, and the live Redis connection re-authenticates.
    const redisPlan = rotationPlans(names).find((p) => p.secretId === names.redis)!;
    const rotated = await rotateNow(s.client, s.emulator, redisPlan);
    await waitForAppVersion(s.url, names.redis, rotated.versionId);

    // A version that fails validation is rejected; the last good one stays.
    await s.client.send(new PutSecretValueCommand({ SecretId: names.stripeWebhook, SecretString: JSON.stringify({ unexpected: true }) }));

    // PostgreSQL refuses the app's password (changed on the server first): new connections retry until the secret has it.
    const pgSecret = await currentJson<Record<string, unknown>>(s.client, names.postgres);
    const newPassword = `pw-${Date.now()}-metrics-e2e`;
    await s.sql(`ALTER ROLE ${String(pgSecret.username)} PASSWORD '${newPassword}'`);
    await s.sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [pgSecret.username]);
    // The readiness probe's ping needs a new connection, which PostgreSQL rejects until the secret moves.
    const during = call(s.url, 'GET', '/health/ready');
    await new Promise((r) => setTimeout(r, 800));
    await s.client.send(new PutSecretValueCommand({ SecretId: names.postgres, SecretString: JSON.stringify({ ...pgSecret, password: newPassword }) }));
    await during;
    await waitFor(async () => (await call(s.url, 'GET', '/health/ready')).status === 200, 'the database to accept the new password', 30_000, 200);

    // A short Secrets Manager outage: errors by type and stale serves.
    s.emulator.faults.set({ serverError: true });
    await waitFor(async () => (await call(s.url, 'GET', '/health')).body.details.secrets.secrets[names.jwt]?.state === 'stale', 'the JWT key to be served stale', 20_000, 100);
    for (let i = 0; i < 3; i++) await call(s.url, 'GET', '/auth/me', undefined, { authorization: `Bearer ${token}` });
    s.emulator.faults.clear();

    let text = '';
    let samples: Sample[] = [];
    await waitFor(
      async () => {
        text = await scrape();
        samples = parse(text);
        return (
          value(samples, 'keyturn_rotation_rejected_versions_total', { keyturn_secret_id: names.stripeWebhook }) >= 1 &&
          value(samples, 'keyturn_connection_auth_retries_total', { db_system_name: 'postgresql' }) >= 1 &&
          value(samples, 'keyturn_connection_reauthentications_total', { db_system_name: 'redis', keyturn_outcome: 'success' }) >= 1
        );
      },
      'the rejected version and the connection events in /metrics',
      30_000,
      200,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${text}`);
    });

    for (const name of [
      'keyturn_cache_requests_total',
      'keyturn_cache_hit_ratio',
      'keyturn_cache_stale_serves_total',
      'keyturn_cache_fallback_serves_total',
      'keyturn_api_calls_total',
      'keyturn_errors_total',
      'keyturn_refresh_duration_bucket',
      'keyturn_refresh_duration_sum',
      'keyturn_refresh_duration_count',
      'keyturn_secret_age',
      'keyturn_secret_version_age',
      'keyturn_secret_state',
      'keyturn_secrets',
      'keyturn_rotations_total',
      'keyturn_rotation_rejected_versions_total',
      'keyturn_rotation_unfinished_total',
      'keyturn_connection_auth_retries_total',
      'keyturn_connection_reauthentications_total',
    ]) {
      expect(samples.some((x) => x.name === name)).toBe(true);
    }
    expect(text).toContain('# UNIT keyturn_refresh_duration s');
    expect(text).toContain('# TYPE keyturn_refresh_duration histogram');
    expect(value(samples, 'keyturn_cache_requests_total', { keyturn_cache_result: 'hit' })).toBeGreaterThan(5);
    const ratio = value(samples, 'keyturn_cache_hit_ratio');
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThanOrEqual(1);
    expect(value(samples, 'keyturn_cache_stale_serves_total')).toBeGreaterThan(0);
    expect(value(samples, 'keyturn_api_calls_total', { rpc_system: 'aws-api', rpc_method: 'BatchGetSecretValue' })).toBeGreaterThan(0);
    expect(samples.some((x) => x.name === 'keyturn_errors_total' && x.labels.error_type !== undefined && x.labels.keyturn_secret_id?.startsWith('payments/metrics/'))).toBe(true);
    expect(value(samples, 'keyturn_rotations_total', { keyturn_secret_id: names.redis })).toBeGreaterThanOrEqual(1);
    expect(samples.find((x) => x.name === 'keyturn_connection_auth_retries_total')!.labels).toMatchObject({ db_system_name: 'postgresql', error_type: '28P01', keyturn_secret_id: names.postgres });
    // Durations in seconds: a local emulator answers well under a second.
    expect(value(samples, 'keyturn_refresh_duration_sum') / value(samples, 'keyturn_refresh_duration_count')).toBeLessThan(1);
    const ages = samples.filter((x) => x.name === 'keyturn_secret_age');
    expect(ages.map((x) => x.labels.keyturn_secret_id).sort()).toEqual([names.postgres, names.redis, names.smtp, names.stripeApiKey, names.stripeWebhook, names.jwt].sort());
    for (const a of ages) expect(a.value).toBeLessThan(120);
    const state = samples.filter((x) => x.name === 'keyturn_secret_state' && x.labels.keyturn_secret_id === names.jwt && x.value === 1);
    expect(state.map((x) => x.labels.keyturn_secret_state)).toHaveLength(1);
    expect(value(samples, 'keyturn_secrets')).toBe(6);
    expect(text).toMatch(/otel_scope_name="@keyturn\/core"/);
    expect(text).toMatch(/otel_scope_version="0\.1\.0"/);

    // No secret value appears: no password, key or token-like field (16 characters or more) of any secret.
    let checked = 0;
    for (const id of Object.values(names)) {
      const out = await s.client.send(new GetSecretValueCommand({ SecretId: id }));
      for (const v of Object.values(JSON.parse(out.SecretString ?? '{}') as Record<string, unknown>)) {
        if (typeof v === 'string' && v.length >= 16 && !v.startsWith('arn:')) {
          expect(text).not.toContain(v);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(6);
    expect(text).not.toContain(newPassword);
  });
});
