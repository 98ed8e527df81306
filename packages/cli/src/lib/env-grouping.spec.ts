import { camelKey, groupEnvVariables, parseMapOverrides, toVariableMapping } from './env-grouping';

const NAMES = [
  'DATABASE_URL', 'DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DB_PORT', 'DB_NAME', 'PGSSLMODE',
  'REDIS_URL', 'REDIS_PASSWORD', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'SMTP_HOST', 'SMTP_USER', 'SMTP_PASS',
  'JWT_SECRET', 'JWT_EXPIRES_IN', 'SENTRY_DSN', 'SENTRY_ENVIRONMENT', 'NODE_ENV', 'PORT',
];

const place = (xs: ReturnType<typeof groupEnvVariables>) => Object.fromEntries(xs.map((a) => [a.envName, `${a.secretId}#${a.key}`]));

describe('groupEnvVariables', () => {
  it('groups by service and shared prefix with rotation-friendly keys (default: prefix)', () => {
    const got = place(groupEnvVariables(NAMES, { prefix: 'app/prod/', groupBy: 'prefix' }));
    expect(got).toEqual({
      DATABASE_URL: 'app/prod/database#url',
      DB_USER: 'app/prod/database#username',
      DB_PASSWORD: 'app/prod/database#password',
      DB_HOST: 'app/prod/database#host',
      DB_PORT: 'app/prod/database#port',
      DB_NAME: 'app/prod/database#dbname',
      PGSSLMODE: 'app/prod/database#sslmode',
      REDIS_URL: 'app/prod/redis#url',
      REDIS_PASSWORD: 'app/prod/redis#password',
      STRIPE_SECRET_KEY: 'app/prod/stripe#secretKey',
      STRIPE_WEBHOOK_SECRET: 'app/prod/stripe#webhookSecret',
      SMTP_HOST: 'app/prod/smtp#host',
      SMTP_USER: 'app/prod/smtp#username',
      SMTP_PASS: 'app/prod/smtp#password',
      JWT_SECRET: 'app/prod/jwt#secret',
      JWT_EXPIRES_IN: 'app/prod/jwt#expiresIn',
      SENTRY_DSN: 'app/prod/sentry#dsn',
      SENTRY_ENVIRONMENT: 'app/prod/sentry#environment',
      NODE_ENV: 'app/prod/app#nodeEnv',
      PORT: 'app/prod/app#port',
    });
  });

  it('service mode leaves unknown prefixes in app; none puts everything in app', () => {
    expect(place(groupEnvVariables(NAMES, { prefix: 'x', groupBy: 'service' })).SENTRY_DSN).toBe('x/app#sentryDsn');
    const none = groupEnvVariables(NAMES, { prefix: 'x', groupBy: 'none' });
    expect(new Set(none.map((a) => a.secretId))).toEqual(new Set(['x/app']));
    expect(place(none).STRIPE_SECRET_KEY).toBe('x/app#stripeSecretKey');
  });

  it('resolves key collisions deterministically and honours --map overrides', () => {
    const got = place(groupEnvVariables(['DB_USER', 'DATABASE_USER', 'PGUSER', 'DEBUG'], {
      prefix: 'a',
      groupBy: 'prefix',
      overrides: parseMapOverrides('m.json', { PGUSER: { secretId: 'a/admin', key: 'user' }, DEBUG: null }),
    }));
    expect(got).toEqual({ DATABASE_USER: 'a/database#username', DB_USER: 'a/database#dbUser', PGUSER: 'a/admin#user' });
  });

  it('accepts the mapping-file format as --map and writes it back identically', () => {
    const mapping = { 'a/pay': { apiKey: 'STRIPE_SECRET_KEY' } };
    const xs = groupEnvVariables(['STRIPE_SECRET_KEY', 'STRIPE_PUBLIC'], { prefix: 'a', groupBy: 'prefix', overrides: parseMapOverrides('m', mapping) });
    expect(toVariableMapping(xs)).toEqual({ 'a/pay': { apiKey: 'STRIPE_SECRET_KEY' }, 'a/stripe': { public: 'STRIPE_PUBLIC' } });
    expect(() => parseMapOverrides('m', [1])).toThrow(/expected/);
  });

  it('camel-cases upper snake names', () => {
    expect(camelKey('WEBHOOK_SECRET')).toBe('webhookSecret');
    expect(camelKey('S3_BUCKET_NAME')).toBe('s3BucketName');
    expect(camelKey('port')).toBe('port');
  });

  it('rejects an invalid prefix', () => {
    expect(() => groupEnvVariables(['A'], { prefix: 'bad prefix', groupBy: 'none' })).toThrow(/--prefix/);
  });
});
