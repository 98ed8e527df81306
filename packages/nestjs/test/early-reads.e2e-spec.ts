// Provider factories may read secrets while the module graph is still being built: reads through
// SecretsService and injected forFeature handles wait for the one start-up batch, which loads them all.
import 'reflect-metadata';
import { Module, type Provider } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { MemorySource, type SecretFetchResult, type SecretRequest, type SecretSource } from '@keyturn/core';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { SecretsModule, SecretsService, defineSecret, getSecretToken, type SecretHandle, type SecretsModuleOptions } from '@keyturn/nestjs';

const apiKey = defineSecret('app/api-key', { key: 'apiKey' });
const dbUser = defineSecret('app/db', { key: 'username' });
const API_CLIENT = Symbol('API_CLIENT');
const DB_USER = Symbol('DB_USER');
const FROM_HANDLE = Symbol('FROM_HANDLE');
const jwtKey = defineSecret('app/jwt', { key: 'signingKey' });

/** A source that counts the requests it answers (to show concurrent early reads share one fetch). */
class CountingSource implements SecretSource {
  readonly name = 'counting';
  readonly requests: string[] = [];
  calls = 0;
  constructor(private readonly inner: SecretSource) {}
  fetch(requests: readonly SecretRequest[], opts?: { signal?: AbortSignal }): Promise<SecretFetchResult[]> {
    this.calls += 1;
    this.requests.push(...requests.map((r) => r.secretId));
    return this.inner.fetch(requests, opts);
  }
}

/** Providers that read secrets in their factories, as adopters write them. */
const earlyReaders: Provider[] = [
  {
    provide: API_CLIENT,
    useFactory: async (secrets: SecretsService) => {
      const [fromHandle, fromGet, again] = await Promise.all([
        secrets.handle(apiKey).then((h) => h.get()),
        secrets.get(apiKey),
        secrets.get(apiKey),
      ]);
      return { fromHandle, fromGet, again };
    },
    inject: [SecretsService],
  },
  {
    provide: DB_USER,
    useFactory: async (secrets: SecretsService) => (await secrets.handle(dbUser)).get(),
    inject: [SecretsService],
  },
  {
    // A forFeature handle is an async provider: a factory that injects it can read it at once.
    provide: FROM_HANDLE,
    useFactory: (jwt: SecretHandle<string>) => jwt.get().length,
    inject: [getSecretToken(jwtKey)],
  },
];

/** The same definition is also injected through forFeature, registered before the early read. */
@Module({ imports: [SecretsModule.forFeature(dbUser, jwtKey)], exports: [SecretsModule] })
class FeatureModule {}

async function compile(options: SecretsModuleOptions): Promise<TestingModule> {
  @Module({ imports: [SecretsModule.forRoot(options), FeatureModule], providers: earlyReaders })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('secrets read from provider factories before start-up', () => {
  it('over the memory source: early reads and forFeature handles load in one start-up batch, concurrent reads share it', async () => {
    const source = new CountingSource(
      new MemorySource({ secrets: { 'app/api-key': { apiKey: 'memory-key-1' }, 'app/db': { username: 'reporting' }, 'app/jwt': { signingKey: 'sixteen-chars-16' } } }),
    );
    const moduleRef = await compile({ sources: [source], logger: false });
    try {
      expect(moduleRef.get(API_CLIENT)).toEqual({ fromHandle: 'memory-key-1', fromGet: 'memory-key-1', again: 'memory-key-1' });
      expect(moduleRef.get(DB_USER)).toBe('reporting');
      expect(source.requests.filter((id) => id === 'app/api-key')).toHaveLength(1);
      expect(source.requests.filter((id) => id === 'app/db')).toHaveLength(1);
      expect(moduleRef.get(FROM_HANDLE)).toBe(16);
      // One call to the source for everything read or injected while the module graph was built.
      expect(source.calls).toBe(1);
      expect([...source.requests].sort()).toEqual(['app/api-key', 'app/db', 'app/jwt']);
      const injected = moduleRef.get<SecretHandle<string>>(getSecretToken(dbUser));
      expect(injected.get()).toBe('reporting');
      expect(injected.state().state).toBe('fresh');
    } finally {
      await moduleRef.close();
    }
  });

  describe('over AWS Secrets Manager (emulatorServer)', () => {
    let emulatorServer: TestEmulator;
    let admin: SecretsManagerClient;
    beforeAll(async () => {
      emulatorServer = await startTestEmulator();
      admin = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
      await admin.send(new CreateSecretCommand({ Name: 'app/api-key', SecretString: JSON.stringify({ apiKey: 'emulatorServer-key-1' }) }));
      await admin.send(new CreateSecretCommand({ Name: 'app/db', SecretString: JSON.stringify({ username: 'emulatorServer-user' }) }));
      await admin.send(new CreateSecretCommand({ Name: 'app/jwt', SecretString: JSON.stringify({ signingKey: 'emulator-key-16c' }) }));
    });
    afterAll(async () => {
      admin?.destroy();
      await emulatorServer?.stop();
    });

    it('values load on demand through the AWS SDK before start-up', async () => {
      const cfg = testClientConfig(emulatorServer.endpoint);
      const moduleRef = await compile({ endpoint: cfg.endpoint, region: cfg.region, credentials: cfg.credentials, logger: false });
      try {
        expect(moduleRef.get(API_CLIENT)).toEqual({ fromHandle: 'emulatorServer-key-1', fromGet: 'emulatorServer-key-1', again: 'emulatorServer-key-1' });
        expect(moduleRef.get(DB_USER)).toBe('emulatorServer-user');
        const states = moduleRef.get(SecretsService).states();
        expect(states.map((s) => [s.secretId, s.state, s.source]).sort()).toEqual([
          ['app/api-key', 'fresh', 'aws'],
          ['app/db', 'fresh', 'aws'],
          ['app/jwt', 'fresh', 'aws'],
        ]);
        expect(moduleRef.get(FROM_HANDLE)).toBe(16);
        // The start-up batch is one BatchGetSecretValue call.
        expect(moduleRef.get(SecretsService).store.metrics().apiCalls).toEqual({ BatchGetSecretValue: 1 });
      } finally {
        await moduleRef.close();
      }
    });
  });
});
