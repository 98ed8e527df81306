import 'reflect-metadata';
import { Injectable, Module, type LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsOptional, IsString, MinLength } from 'class-validator';
import { firstValueFrom, timeout } from 'rxjs';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource, SecretsStartupError, type AuditEvent } from '@keyturn/core';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';
import {
  InjectSecret,
  SecretsModule,
  SecretsService,
  defineSecret,
  InvalidTenantIdError,
  type SecretHandle,
  type SecretsModuleOptions,
  type SecretType,
} from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';

class DbCredentials {
  @IsString() username!: string;
  @IsString() @MinLength(12) password!: string;
  @IsOptional() @IsString() host?: string;
}
class ClientCredentials {
  @IsString() clientId!: string;
  @IsString() clientSecret!: string;
}

let emulatorServer: TestEmulator;
let admin: SecretsManagerClient;
let seq = 0;
/** Each test uses its own secret names (one emulator per file). */
const unique = (name: string) => `t${++seq}/${name}`;
const create = (Name: string, value: unknown) => admin.send(new CreateSecretCommand({ Name, SecretString: JSON.stringify(value) }));
const put = (SecretId: string, value: unknown) => admin.send(new PutSecretValueCommand({ SecretId, SecretString: JSON.stringify(value) }));

const awsOptions = (extra: SecretsModuleOptions = {}): SecretsModuleOptions => {
  const cfg = testClientConfig(emulatorServer.endpoint);
  return { endpoint: cfg.endpoint, region: cfg.region, credentials: cfg.credentials, logger: false, ...extra };
};

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
  admin = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
});
afterAll(async () => {
  admin?.destroy();
  await emulatorServer?.stop();
});

async function bootWith(defs: { db: ReturnType<typeof defineSecret<typeof DbCredentials>> }, options: SecretsModuleOptions) {
  @Injectable()
  class Repository {
    constructor(@InjectSecret(defs.db) readonly db: SecretHandle<SecretType<typeof defs.db>>) {}
  }
  @Module({ imports: [SecretsModule.forFeature(defs.db)], providers: [Repository], exports: [Repository] })
  class DataModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [SecretsModule.forRoot(options), DataModule, SecretsHealthModule.forRoot()],
  }).compile();
  await moduleRef.init();
  return { moduleRef, repo: moduleRef.get(Repository), health: moduleRef.get(SecretsHealthIndicator) };
}

describe('SecretsModule over Secrets Manager (emulatorServer)', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it('injects typed values and follows rotations through changes$ and get()', async () => {
    const id = unique('db');
    await create(id, { username: 'app', password: 'first-password-1', host: 'db' });
    const booted = await bootWith({ db: defineSecret(id, { schema: DbCredentials }) }, awsOptions({ ttlMs: 200 }));
    moduleRef = booted.moduleRef;
    const { repo, health } = booted;
    expect(repo.db.get()).toBeInstanceOf(DbCredentials);
    expect(repo.db.get().password).toBe('first-password-1');
    expect(repo.db.state()).toMatchObject({ state: 'fresh', source: 'aws' });
    expect(health.isHealthy()).toMatchObject({ secrets: { status: 'up', state: 'up' } });

    const rotated = firstValueFrom(repo.db.changes$.pipe(timeout(20_000)));
    await put(id, { username: 'app', password: 'second-password-2' });
    const event = await rotated;
    expect(event.secretId).toBe(id);
    expect(event.value.password).toBe('second-password-2');
    expect(repo.db.get().password).toBe('second-password-2');
    await expect(repo.db.fetchVersion('AWSPREVIOUS')).resolves.toMatchObject({ password: 'first-password-1' });
  });

  it('rejects a rotated value that fails validation, keeps the last good one and reports it in health', async () => {
    const id = unique('db');
    await create(id, { username: 'app', password: 'good-password-1' });
    const booted = await bootWith({ db: defineSecret(id, { schema: DbCredentials }) }, awsOptions({ ttlMs: 200 }));
    moduleRef = booted.moduleRef;
    const { repo, health } = booted;
    await put(id, { username: 'app', password: 'tiny' });
    await waitFor(() => repo.db.state().rejectedVersionId !== undefined, 'the invalid version to be rejected', 20_000);
    expect(repo.db.get().password).toBe('good-password-1');
    const result = health.isHealthy();
    expect(result.secrets).toMatchObject({ status: 'up', state: 'degraded', degraded: [id] });
    expect(JSON.stringify(result)).toMatch(/rejectedVersionId/);
    expect(JSON.stringify(result)).not.toContain('tiny');
    expect(JSON.stringify(result)).not.toContain('good-password-1');

    await put(id, { username: 'app', password: 'fixed-password-3' });
    await waitFor(() => repo.db.get().password === 'fixed-password-3', 'the fixed version', 20_000);
    expect(health.isHealthy().secrets).toMatchObject({ status: 'up', state: 'up' });
  });

  it('reports down when a required secret is scheduled for deletion', async () => {
    const id = unique('db');
    await create(id, { username: 'app', password: 'doomed-password-1' });
    const booted = await bootWith({ db: defineSecret(id, { schema: DbCredentials }) }, awsOptions({ ttlMs: 200 }));
    moduleRef = booted.moduleRef;
    const { repo, health } = booted;
    await admin.send(new DeleteSecretCommand({ SecretId: id, RecoveryWindowInDays: 7 }));
    await waitFor(() => repo.db.state().state === 'failed', 'the deleted secret to fail', 20_000);
    const result = health.isHealthy();
    expect(result.secrets).toMatchObject({ status: 'down', state: 'down', failing: [id] });
    expect(JSON.stringify(result)).not.toContain('doomed-password-1');
    expect(() => repo.db.get()).toThrow(id);
  });

  it('stops start-up with one error naming every failing secret and what to check, never a value', async () => {
    const CANARY = 'canary-Kx93-never-print';
    const bad = unique('bad');
    const missing = unique('missing');
    await create(bad, { username: CANARY, password: CANARY.slice(0, 10) });
    const lines: string[] = [];
    const capture: LoggerService = {
      log: (m: unknown) => lines.push(String(m)),
      warn: (m: unknown) => lines.push(String(m)),
      error: (m: unknown) => lines.push(String(m)),
    };
    const defs = [defineSecret(bad, { schema: DbCredentials }), defineSecret(missing, { key: 'token' })];
    // The start-up batch runs while the graph is built (the forFeature handles await it); init reports its failure.
    const destroy = jest.spyOn(AwsSecretsManagerSource.prototype, 'destroy');
    const ref = await Test.createTestingModule({
      imports: [SecretsModule.forRoot(awsOptions({ logger: capture })), SecretsModule.forFeature(...defs)],
    }).compile();
    const err = (await ref.init().catch((e: unknown) => e)) as SecretsStartupError;
    // Nothing keeps running after a failed start: the client the module created is destroyed.
    const destroyed = destroy.mock.calls.length;
    destroy.mockRestore();
    expect(destroyed).toBe(1);
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect(err.failures.map((f) => f.secretId).sort()).toEqual([bad, missing].sort());
    expect(err.message).toContain(`${bad}: SecretValidationError (ValidationFailed)`);
    expect(err.message).toMatch(/password: minLength/);
    expect(err.message).toMatch(new RegExp(`${missing}: SecretNotFoundError \\(ResourceNotFoundException\\); check [^\\n]*secretsmanager:GetSecretValue`));
    expect(err.message + '\n' + lines.join('\n')).not.toContain(CANARY.slice(0, 10));
    expect(lines.length).toBeGreaterThan(0);
  });

  it('loads tenant secrets on demand, once, in a bounded LRU, and evicts deleted ones', async () => {
    const app = `t${++seq}`;
    const tenants = ['acme', 'globex', 'initech'];
    for (const t of tenants) await create(`${app}/test/clients/${t}`, { clientId: t, clientSecret: `${t}-secret` });
    const ref = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot(
          awsOptions({ ttlMs: 200, variables: { app, env: 'test' }, tenants: { template: '{app}/{env}/clients/{tenant}', maxEntries: 2, schema: ClientCredentials } }),
        ),
      ],
    }).compile();
    moduleRef = ref;
    await ref.init();
    const secrets = ref.get(SecretsService);
    const calls = () => secrets.store.metrics().apiCalls.GetSecretValue ?? 0;
    const before = calls();
    const all = await Promise.all(Array.from({ length: 5 }, () => secrets.forTenant<ClientCredentials>('acme')));
    expect(all.every((c) => c.clientSecret === 'acme-secret')).toBe(true);
    expect(all[0]).toBeInstanceOf(ClientCredentials);
    expect(calls() - before).toBe(1);

    await secrets.forTenant('globex');
    await secrets.forTenant('initech');
    expect(secrets.loadedTenants().sort()).toEqual(['globex', 'initech']);
    expect(secrets.states().map((s) => s.secretId)).not.toContain(`${app}/test/clients/acme`);

    await admin.send(new DeleteSecretCommand({ SecretId: `${app}/test/clients/globex`, ForceDeleteWithoutRecovery: true }));
    await waitFor(() => !secrets.loadedTenants().includes('globex'), 'the deleted tenant to be evicted', 20_000);
    expect(secrets.states().map((s) => s.secretId)).not.toContain(`${app}/test/clients/globex`);
    await expect(secrets.forTenant('globex')).rejects.toThrow(/globex/);
    await expect(secrets.forTenant('../admin')).rejects.toBeInstanceOf(InvalidTenantIdError);
  });

  it('falls back to the environment after AWS, reports it as degraded, and audits loads without values', async () => {
    const inAws = unique('db');
    const onlyInEnv = unique('db');
    await create(inAws, { username: 'app', password: 'aws-password-01' });
    const audit: AuditEvent[] = [];
    const booted = await bootWith(
      { db: defineSecret(onlyInEnv, { schema: DbCredentials }) },
      awsOptions({
        sources: ['aws', 'env'],
        // `env.env` is the environment to read (process.env by default); no variable is set here.
        env: { mapping: { [onlyInEnv]: 'DB_SECRET_JSON' }, env: { DB_SECRET_JSON: JSON.stringify({ username: 'dev', password: 'env-password-001' }) } },
        audit: { record: (e) => audit.push(e) },
      }),
    );
    moduleRef = booted.moduleRef;
    const fromAws = await moduleRef.get(SecretsService).get(defineSecret(inAws, { schema: DbCredentials }));
    expect(fromAws.password).toBe('aws-password-01');
    expect(booted.repo.db.get().password).toBe('env-password-001');
    expect(booted.repo.db.state()).toMatchObject({ state: 'fallback', source: 'env' });
    expect(booted.health.isHealthy().secrets).toMatchObject({ status: 'up', state: 'degraded', degraded: [onlyInEnv] });
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'load', secretId: onlyInEnv, source: 'env', outcome: 'success' }),
        expect.objectContaining({ type: 'load', secretId: inAws, source: 'aws', outcome: 'success' }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toMatch(/aws-password-01|env-password-001/);
  });

  it('destroys the clients it created on shutdown', async () => {
    const id = unique('db');
    await create(id, { username: 'app', password: 'shutdown-password' });
    const destroy = jest.spyOn(AwsSecretsManagerSource.prototype, 'destroy');
    try {
      const booted = await bootWith({ db: defineSecret(id, { schema: DbCredentials }) }, awsOptions({ ttlMs: 200 }));
      const store = booted.moduleRef.get(SecretsService).store;
      await booted.moduleRef.close();
      expect(destroy).toHaveBeenCalledTimes(1);
      expect(store.states().every((s) => s.nextRefreshAt === undefined)).toBe(true);
    } finally {
      destroy.mockRestore();
    }
  });
});
