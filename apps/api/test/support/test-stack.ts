import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { INestApplication } from '@nestjs/common';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '@keyturn/testing';
import { createApiApp } from '../../src/bootstrap';
import { apiOptionsFromEnv, type ApiOptions } from '../../src/config/api-options';
import { rotationHandlers } from '../../src/embedded/rotation-handlers';
import { ensureSecrets, passwordsOfSecret } from '../../src/embedded/secrets-admin';
import { provisionAppDatabase } from '../../src/embedded/postgres-provisioning';
import { SmtpSink } from '../../src/embedded/smtp-sink';
import { randomBytes } from 'node:crypto';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** Everything an end-to-end test of the API runs against: real emulator, PostgreSQL, Redis and SMTP, and the app. */
export interface TestStack {
  readonly app: INestApplication;
  readonly url: string;
  readonly options: ApiOptions;
  readonly emulator: EmulatorServer;
  readonly client: SecretsManagerClient;
  readonly pg: PostgresServer;
  readonly redis: RedisServer;
  readonly smtp: SmtpSink;
  /** Runs SQL in the API's database as the superuser. */
  sql(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  stop(): Promise<void>;
}

const token = (n = 24) => randomBytes(n).toString('base64url');

/** Starts the servers, seeds the secrets (`payments/<env>/...`) and the API on a free port. */
export async function startTestStack(opts: { env?: string; ttlMs?: number; apiOverrides?: Partial<ApiOptions> } = {}): Promise<TestStack> {
  const [pg, redis, emulator] = await Promise.all([startPostgres(), startRedis(), startEmulator({ port: 0 })]);
  const client = new SecretsManagerClient({ endpoint: emulator.endpoint, region: emulator.region, credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  for (const [arn, handler] of Object.entries(rotationHandlers(client))) emulator.registerRotationHandler(arn, handler);
  const options = apiOptionsFromEnv({}, { env: opts.env ?? 'test', secretsEndpoint: emulator.endpoint, region: emulator.region, secretTtlMs: opts.ttlMs ?? 300_000, healthDetails: 'always', ...opts.apiOverrides });
  const names = options.secrets;
  const host = '127.0.0.1';
  const pgApp = { engine: 'postgres' as const, host, port: pg.port, username: 'payments_app', password: token(), dbname: 'payments', masterarn: names.postgresMaster };
  const redisApp = { host, port: redis.port, username: 'payments_app', password: token(), masterarn: names.redisMaster };
  await provisionAppDatabase({ host, port: pg.port, username: pg.superuser, password: pg.superuserPassword }, pgApp);
  await redis.command('ACL', 'SETUSER', redisApp.username, 'on', `>${redisApp.password}`, '~*', '&*', '+@all', '-@admin', '-@dangerous', '+info');
  const smtpUser = 'mailer';
  const smtp = new SmtpSink({ username: smtpUser, acceptedPasswords: passwordsOfSecret(client, names.smtp, 0) });
  await smtp.start();
  await ensureSecrets(client, {
    [names.postgresMaster]: { engine: 'postgres', host, port: pg.port, username: pg.superuser, password: pg.superuserPassword, dbname: 'postgres' },
    [names.postgres]: pgApp,
    [names.redisMaster]: { host, port: redis.port, username: redis.adminUser, password: redis.adminPassword },
    [names.redis]: redisApp,
    [names.stripeApiKey]: { secretKey: `sk_test_${token()}` },
    [names.stripeWebhook]: { webhookSecret: `whsec_${token()}` },
    [names.jwt]: { key: token(32) },
    [names.smtp]: { host, port: smtp.port, username: smtpUser, password: token(), from: 'Payments <no-reply@payments.example>' },
  });
  let app: INestApplication;
  try {
    app = await createApiApp({ api: options, credentials: TEST_CREDENTIALS }, false);
    await app.listen(0, host);
  } catch (err) {
    await smtp.stop().catch(() => undefined);
    client.destroy();
    await Promise.allSettled([emulator.stop(), pg.stop(), redis.stop()]);
    throw err;
  }
  const address = app.getHttpServer().address() as { port: number };
  const { Client } = await import('pg');
  const sql = async (text: string, params?: unknown[]) => {
    const c = new Client({ ...pg.adminConfig(), database: 'payments' });
    await c.connect();
    try {
      return await c.query(text, params);
    } finally {
      await c.end();
    }
  };
  return {
    app,
    url: `http://${host}:${address.port}`,
    options,
    emulator,
    client,
    pg,
    redis,
    smtp,
    sql,
    stop: async () => {
      await app.close().catch(() => undefined);
      await smtp.stop().catch(() => undefined);
      client.destroy();
      await Promise.allSettled([emulator.stop(), pg.stop(), redis.stop()]);
    },
  };
}
