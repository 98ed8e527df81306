import 'reflect-metadata';
import { Module, type LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { TerminusModule } from '@nestjs/terminus';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SqlTableSource, canonicalJson, type AuditEvent, type SecretMismatch } from '@keyturn/core';
import { startPostgres, startTestEmulator, testClientConfig, type PostgresServer, type TestEmulator } from '@keyturn/testing';
import { SecretsModule, SecretsService, defineSecret, type SecretsModuleOptions } from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';
import { Pool } from 'pg';

// Migration mode over the real path: credentials in a PostgreSQL table (password auth) and in the
// emulator (AWS SDK v3 over HTTP), read side by side by a Nest app with SecretsModule.
const SLUGS = ['acme', 'globex', 'initech'];
const QUERY = 'SELECT slug, db_user, db_password, smtp_user, smtp_app_password FROM clients ORDER BY slug';
const COLUMNS = { 'db.username': 'db_user', 'db.password': 'db_password', 'smtp.username': 'smtp_user', 'smtp.password': 'smtp_app_password' };
const password = (slug: string) => `db-pw-canary-${slug}-0001`;
const smtpPassword = (slug: string) => `smtp-pw-canary-${slug}-0001`;
const CHANGED = 'db-pw-canary-globex-CHANGED';

let pg: PostgresServer | undefined;
let emulator: TestEmulator | undefined;
let pool: Pool | undefined;
const versions = new Map<string, string>();
const clients: SecretsManagerClient[] = [];
const apps: TestingModule[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  emulator = await startTestEmulator();
  await pg.sql('CREATE TABLE clients (slug text PRIMARY KEY, db_user text, db_password text, smtp_user text, smtp_app_password text)');
  for (const slug of SLUGS) {
    await pg.sql('INSERT INTO clients VALUES ($1, $2, $3, $4, $5)', [slug, `${slug}_app`, password(slug), `mail@${slug}.example`, smtpPassword(slug)]);
  }
  pool = new Pool(pg.adminConfig());
  // As in any application: an idle client's error must not crash the process. pool.end() resolves
  // before its clients' sockets have closed, so the server's shutdown can still reach one of them.
  pool.on('error', () => undefined);
  const admin = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  clients.push(admin);
  for (const slug of SLUGS) {
    const value = { db: { username: `${slug}_app`, password: password(slug) }, smtp: { username: `mail@${slug}.example`, password: smtpPassword(slug) } };
    const out = await admin.send(new CreateSecretCommand({ Name: `app/clients/${slug}`, SecretString: canonicalJson(value) }));
    versions.set(slug, out.VersionId as string);
  }
});
afterAll(async () => {
  for (const app of apps) await app.close();
  clients.forEach((c) => c.destroy());
  await pool?.end();
  await emulator?.stop();
  await pg?.stop();
});

interface Captured {
  app: TestingModule;
  lines: string[];
  audit: AuditEvent[];
  events: SecretMismatch[];
}

async function boot(prefer: 'old' | 'new'): Promise<Captured> {
  const lines: string[] = [];
  const audit: AuditEvent[] = [];
  const capture = (level: string) => (message: unknown, ...rest: unknown[]) => void lines.push(`${level} ${String(message)} ${JSON.stringify(rest)}`);
  const logger: LoggerService = { log: capture('log'), warn: capture('warn'), error: capture('error'), debug: capture('debug'), verbose: capture('verbose') };
  const client = new SecretsManagerClient(testClientConfig(emulator!.endpoint));
  clients.push(client);
  const options: SecretsModuleOptions = {
    client,
    logger,
    audit: { record: (e) => audit.push(e) },
    metrics: { openTelemetry: false },
    // The switch-over is this one line of configuration.
    migration: { old: new SqlTableSource({ client: pool!, query: QUERY, secretName: 'app/clients/{slug}', columns: COLUMNS }), prefer },
  };
  @Module({ imports: [TerminusModule, SecretsHealthModule.forRoot()] })
  class HealthModule {}
  const app = await Test.createTestingModule({
    imports: [SecretsModule.forRoot(options), SecretsModule.forFeature(...SLUGS.map((s) => defineSecret(`app/clients/${s}`))), HealthModule],
  }).compile();
  apps.push(app);
  await app.init();
  const events: SecretMismatch[] = [];
  app.get(SecretsService).store.on('mismatch', (m) => events.push(m));
  return { app, lines, audit, events };
}

const everything = (c: Captured) => {
  const store = c.app.get(SecretsService).store;
  return JSON.stringify([c.lines, c.audit, c.events, c.events.map(String), store.metrics(), store.states(), c.app.get(SecretsHealthIndicator).check('secrets')]);
};

it('reports exactly the one credential changed in one place, by secret, key path and version, never by value; a configuration change switches over', async () => {
  const old = await boot('old');
  const store = old.app.get(SecretsService).store;
  const health = () => old.app.get(SecretsHealthIndicator).check('secrets').secrets as Record<string, any>;
  expect(store.states().map((s) => [s.secretId, s.state, s.source])).toEqual(SLUGS.map((s) => [`app/clients/${s}`, 'fresh', 'sql']));
  expect(health()).toMatchObject({ status: 'up', state: 'up', migration: { prefer: 'old', mismatches: [] } });
  expect(store.metrics().mismatches).toBe(0);

  // One credential changes in the table only (a password rotated in the old store, not in Secrets Manager).
  await pg!.sql('UPDATE clients SET db_password = $1 WHERE slug = $2', [CHANGED, 'globex']);
  for (const s of SLUGS) await store.refresh(`app/clients/${s}`, { force: true });

  const globexOld = store.states().find((s) => s.secretId === 'app/clients/globex')?.versionId;
  expect(old.events).toHaveLength(1);
  expect(old.events[0]).toMatchObject({
    secretId: 'app/clients/globex',
    stage: 'AWSCURRENT',
    keys: [{ path: 'db.password', kind: 'different' }],
    oldSource: 'sql',
    oldVersionId: globexOld,
    newSource: 'aws',
    newVersionId: versions.get('globex'),
    served: 'old',
  });
  expect(store.metrics().mismatches).toBe(1);
  const records = old.audit.filter((a) => a.type === 'mismatch');
  expect(records).toHaveLength(1);
  expect(records[0]).toMatchObject({ secretId: 'app/clients/globex', source: 'sql', versionId: globexOld, mismatch: { keyPaths: ['db.password'], oldVersionId: globexOld, newVersionId: versions.get('globex') } });
  const warnings = old.lines.filter((l) => l.startsWith('warn') && l.includes('differs'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatch(/Secret "app\/clients\/globex" differs between sql \(version .+\) and aws \(version .+\): db\.password different; serving sql/);
  expect(health()).toMatchObject({
    status: 'up',
    migration: { prefer: 'old', mismatches: [{ secretId: 'app/clients/globex', keyPaths: ['db.password'], oldVersionId: globexOld, newVersionId: versions.get('globex'), served: 'old' }] },
  });
  expect(health().migration.mismatches).toHaveLength(1);
  // The app still gets the table's value while preferring the old store.
  expect((store.register({ ref: 'app/clients/globex' }).get().json() as { db: { password: string } }).db.password).toBe(CHANGED);
  const printed = everything(old);
  for (const s of SLUGS) expect(printed).not.toContain(password(s));
  expect(printed).not.toContain(CHANGED);
  expect(printed).not.toMatch(/canary/);

  // Switch-over: the same app with prefer: 'new' serves Secrets Manager and still reports the difference.
  const next = await boot('new');
  const nextStore = next.app.get(SecretsService).store;
  expect(nextStore.states().map((s) => s.source)).toEqual(['aws', 'aws', 'aws']);
  expect((nextStore.register({ ref: 'app/clients/globex' }).get().json() as { db: { password: string } }).db.password).toBe(password('globex'));
  expect(nextStore.metrics().mismatches).toBe(1);
  expect(next.audit.filter((a) => a.type === 'mismatch').map((a) => [a.secretId, a.source, a.mismatch?.keyPaths])).toEqual([['app/clients/globex', 'aws', ['db.password']]]);
  expect(next.app.get(SecretsHealthIndicator).check('secrets').secrets).toMatchObject({ migration: { prefer: 'new', mismatches: [{ secretId: 'app/clients/globex', served: 'new' }] } });
  expect(everything(next)).not.toMatch(/canary/);
});
