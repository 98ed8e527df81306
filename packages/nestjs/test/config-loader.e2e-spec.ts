import 'reflect-metadata';
import { inspect } from 'node:util';
import { Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService, type ConfigType } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource, SecretStore, SecretsStartupError } from '@keyturn/core';
import { startTestEmulator, testClientConfig, waitFor, type TestEmulator } from '@keyturn/testing';
import { SecretsModule, defineSecret } from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';
import { secretsConfigLoader } from '@keyturn/nestjs/config';

class DbCredentials {
  @IsString() username!: string;
  @IsString() @MinLength(12) password!: string;
}

let emulatorServer: TestEmulator;
let admin: SecretsManagerClient;

const dbConfig = () => {
  const cfg = testClientConfig(emulatorServer.endpoint);
  return secretsConfigLoader({
    namespace: 'db',
    endpoint: cfg.endpoint,
    region: cfg.region,
    credentials: cfg.credentials,
    logger: false,
    ttlMs: 200,
    secrets: {
      password: defineSecret('cfg/db', { key: 'password' }),
      credentials: defineSecret('cfg/db', { schema: DbCredentials }),
    },
  });
};

describe('secretsConfigLoader (@nestjs/config) over emulatorServer', () => {
  let moduleRef: TestingModule | undefined;
  beforeAll(async () => {
    emulatorServer = await startTestEmulator();
    admin = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
    await admin.send(new CreateSecretCommand({ Name: 'cfg/db', SecretString: JSON.stringify({ username: 'app', password: 'config-password-1' }) }));
  });
  afterAll(async () => {
    await moduleRef?.close();
    admin?.destroy();
    await emulatorServer?.stop();
  });

  it('serves secrets through ConfigService and follows rotations; prints no values; stops on shutdown', async () => {
    const loader = dbConfig();
    @Injectable()
    class Consumer {
      constructor(@Inject(loader.KEY) readonly db: ConfigType<typeof loader>) {}
    }
    @Module({ imports: [ConfigModule.forFeature(loader)], providers: [Consumer], exports: [Consumer] })
    class ConsumerModule {}
    const destroy = jest.spyOn(AwsSecretsManagerSource.prototype, 'destroy');
    try {
      moduleRef = await Test.createTestingModule({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [loader] }), ConsumerModule],
      }).compile();
      await moduleRef.init();
      const config = moduleRef.get(ConfigService);
      const consumer = moduleRef.get(Consumer);
      expect(config.get<string>('db.password')).toBe('config-password-1');
      expect(config.get<string>('db.credentials.username')).toBe('app');
      expect(consumer.db.credentials).toBeInstanceOf(DbCredentials);

      await admin.send(new PutSecretValueCommand({ SecretId: 'cfg/db', SecretString: JSON.stringify({ username: 'app', password: 'config-password-2' }) }));
      await waitFor(() => config.get('db.password') === 'config-password-2', 'ConfigService to see the rotated password', 20_000);
      expect(consumer.db.password).toBe('config-password-2');
      expect(consumer.db.credentials.password).toBe('config-password-2');

      const printed = JSON.stringify(config.get('db')) + inspect(config.get('db')) + JSON.stringify(consumer.db);
      expect(printed).not.toContain('config-password');
      expect(JSON.parse(JSON.stringify(config.get('db')))).toEqual({ password: '[redacted]', credentials: '[redacted]' });

      await moduleRef.close();
      moduleRef = undefined;
      expect(destroy).toHaveBeenCalledTimes(1);
    } finally {
      destroy.mockRestore();
    }
  });

  it('fails start-up listing the missing secret and what to check', async () => {
    const cfg = testClientConfig(emulatorServer.endpoint);
    const loader = secretsConfigLoader({
      namespace: 'missing',
      endpoint: cfg.endpoint,
      region: cfg.region,
      credentials: cfg.credentials,
      logger: false,
      secrets: { token: defineSecret('cfg/absent', { key: 'token' }) },
    });
    const err = (await Test.createTestingModule({ imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [loader] })] })
      .compile()
      .catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect(err.message).toMatch(/cfg\/absent: SecretNotFoundError \(ResourceNotFoundException\); check [^\n]*secretsmanager:GetSecretValue/);
  });

  it('a loader with its own store is reported by the SecretsModule health indicator next to the module\'s secrets', async () => {
    const cfg = testClientConfig(emulatorServer.endpoint);
    const aws = { endpoint: cfg.endpoint, region: cfg.region, credentials: cfg.credentials, logger: false as const };
    await admin.send(new CreateSecretCommand({ Name: 'cfg/module-only', SecretString: JSON.stringify({ token: 'module-token-1' }) }));
    const loader = secretsConfigLoader({ namespace: 'db', ...aws, secrets: { password: defineSecret('cfg/db', { key: 'password' }) } });
    const ref = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ ignoreEnvFile: true, load: [loader] }),
        SecretsModule.forRoot(aws),
        SecretsModule.forFeature(defineSecret('cfg/module-only', { key: 'token' })),
        SecretsHealthModule.forRoot(),
      ],
    }).compile();
    await ref.init();
    try {
      const health = ref.get(SecretsHealthIndicator).check('secrets').secrets;
      expect(health).toMatchObject({ status: 'up', secrets: { 'cfg/db': { state: 'fresh', source: 'aws' }, 'cfg/module-only': { state: 'fresh' } } });
    } finally {
      await ref.close();
    }
  });

  it('shares the module\'s store when the same store is given to both: one cache entry, one health view', async () => {
    const cfg = testClientConfig(emulatorServer.endpoint);
    const store = new SecretStore({ sources: new AwsSecretsManagerSource({ clientConfig: cfg }), metrics: { openTelemetry: false } });
    const loader = secretsConfigLoader({ namespace: 'db', store, logger: false, secrets: { password: defineSecret('cfg/db', { key: 'password' }) } });
    const ref = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [loader] }), SecretsModule.forRoot({ store, logger: false }), SecretsHealthModule.forRoot()],
    }).compile();
    await ref.init();
    try {
      expect(ref.get(ConfigService).get<string>('db.password')).toMatch(/^config-password-/);
      expect(store.states().map((s) => s.secretId)).toEqual(['cfg/db']);
      expect(Object.keys(ref.get(SecretsHealthIndicator).check('secrets').secrets.secrets)).toEqual(['cfg/db']);
    } finally {
      await ref.close();
      await store.stop();
    }
  });

  it('rejects a namespace with dots', () => {
    expect(() => secretsConfigLoader({ namespace: 'a.b', secrets: {} })).toThrow(/namespace/);
  });
});
