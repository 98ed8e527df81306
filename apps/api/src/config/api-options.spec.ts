import { apiOptionsFromEnv } from './api-options';
import { secretNames } from './secret-names';

describe('secret names and options', () => {
  it('names secrets {app}/{env}/{service}/{type}', () => {
    const names = secretNames('shop', 'prod');
    expect(names.postgres).toBe('shop/prod/postgres/app-user');
    expect(names.stripeWebhook).toBe('shop/prod/stripe/webhook-secret');
    expect(Object.values(names).every((n) => n.startsWith('shop/prod/'))).toBe(true);
  });

  it('reads KEYTURN_APP / KEYTURN_ENV and rejects a bad number naming the variable', () => {
    const o = apiOptionsFromEnv({ KEYTURN_APP: 'billing', KEYTURN_ENV: 'staging', RATE_LIMIT_PER_MINUTE: '50' });
    expect(o.secrets.jwt).toBe('billing/staging/jwt/signing-key');
    expect(o.rateLimitPerMinute).toBe(50);
    expect(() => apiOptionsFromEnv({ KEYTURN_TTL_MS: 'soon' })).toThrow(/KEYTURN_TTL_MS/);
  });

  it('shows health details to authenticated callers by default; KEYTURN_HEALTH_DETAILS changes it', () => {
    expect(apiOptionsFromEnv({}).healthDetails).toBe('authenticated');
    expect(apiOptionsFromEnv({ KEYTURN_HEALTH_DETAILS: 'never' }).healthDetails).toBe('never');
    expect(() => apiOptionsFromEnv({ KEYTURN_HEALTH_DETAILS: 'yes' })).toThrow(/KEYTURN_HEALTH_DETAILS must be one of never, authenticated, always/);
  });
});
