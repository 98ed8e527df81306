import 'reflect-metadata';
import { Inject, Injectable, Module, type LoggerService, type OnModuleInit, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { firstValueFrom, take, toArray } from 'rxjs';
import { MemorySource, SecretStore, SecretsStartupError } from '@keyturn/core';
import {
  InjectSecret,
  InvalidSecretsOptionsError,
  SecretsModule,
  SecretsModuleStartupError,
  SecretsService,
  SECRET_STORE,
  defineSecret,
  getSecretToken,
  type SecretHandle,
  type SecretsModuleOptions,
  type SecretsOptionsFactory,
  type SecretType,
} from '@keyturn/nestjs';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';

class DbCredentials {
  @IsString() username!: string;
  @IsString() @MinLength(12) password!: string;
}
const dbSecret = defineSecret('app/db', { schema: DbCredentials });
const dbPassword = defineSecret('app/db', { key: 'password' });
const jwtKey = defineSecret('app/jwt', { key: 'signingKey' });

@Injectable()
class Repository implements OnModuleInit {
  usernameAtInit: string | undefined;
  constructor(@InjectSecret(dbSecret) readonly db: SecretHandle<SecretType<typeof dbSecret>>) {}
  onModuleInit(): void {
    // Secrets are loaded before other modules' init hooks run.
    this.usernameAtInit = this.db.get().username;
  }
}
@Module({ imports: [SecretsModule.forFeature(dbSecret)], providers: [Repository], exports: [Repository] })
class DataModule {}

@Injectable()
class PasswordReader {
  constructor(@InjectSecret(dbPassword) readonly password: SecretHandle<string>) {}
}
@Module({ imports: [SecretsModule.forFeature(dbPassword, jwtKey)], providers: [PasswordReader], exports: [PasswordReader] })
class AuthModule {}

const GOOD = { username: 'app', password: 'correct-horse-battery' };
const memory = () => new MemorySource({ secrets: { 'app/db': GOOD, 'app/jwt': { signingKey: 'k1-signing-key' } } });

@Injectable()
class OptionsService implements SecretsOptionsFactory {
  static source: MemorySource | undefined;
  createSecretsOptions(): SecretsModuleOptions {
    return { sources: [OptionsService.source ?? memory()], logger: false };
  }
}
@Module({ providers: [OptionsService], exports: [OptionsService] })
class OptionsModule {}

async function boot(root: ReturnType<typeof SecretsModule.forRoot>): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({ imports: [root, DataModule, AuthModule] }).compile();
  await moduleRef.init();
  return moduleRef;
}

describe('SecretsModule', () => {
  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  const variants: [string, () => ReturnType<typeof SecretsModule.forRoot>][] = [
    ['forRoot', () => SecretsModule.forRoot({ sources: [memory()], logger: false })],
    [
      'forRootAsync useFactory',
      () =>
        SecretsModule.forRootAsync({
          imports: [OptionsModule],
          inject: [OptionsService],
          useFactory: async (o: OptionsService) => ({ ...o.createSecretsOptions(), ttlMs: 60_000 }),
        }),
    ],
    ['forRootAsync useClass', () => SecretsModule.forRootAsync({ useClass: OptionsService })],
    ['forRootAsync useExisting', () => SecretsModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsService })],
  ];

  it.each(variants)('%s injects typed, validated handles', async (_name, root) => {
    moduleRef = await boot(root());
    const repo = moduleRef.get(Repository);
    expect(repo.db.get()).toBeInstanceOf(DbCredentials);
    expect(repo.db.get().password).toBe(GOOD.password);
    expect(repo.usernameAtInit).toBe('app');
    expect(moduleRef.get(PasswordReader).password.get()).toBe(GOOD.password);
    expect(repo.db.state()).toMatchObject({ secretId: 'app/db', state: 'fresh', source: 'memory', required: true });
    const handle = moduleRef.get<SecretHandle<string>>(getSecretToken(jwtKey), { strict: false });
    expect(handle.get()).toBe('k1-signing-key');
  });

  it('shares one cache entry between modules and reports rotations through changes$ and get()', async () => {
    const source = memory();
    moduleRef = await boot(SecretsModule.forRoot({ sources: [source], logger: false }));
    const store = moduleRef.get<SecretStore>(SECRET_STORE);
    expect(store.states().filter((s) => s.secretId === 'app/db')).toHaveLength(1);
    const repo = moduleRef.get(Repository);
    const reader = moduleRef.get(PasswordReader);
    const next = firstValueFrom(repo.db.changes$.pipe(take(1), toArray()));
    const before = source.calls;
    source.put('app/db', { username: 'app', password: 'rotated-password-2' });
    await expect(repo.db.refresh({ force: true })).resolves.toEqual({ changed: true });
    expect(source.calls - before).toBe(1);
    const [event] = await next;
    expect(event!.value.password).toBe('rotated-password-2');
    expect(JSON.stringify(event)).not.toContain('rotated-password-2');
    expect(repo.db.get().password).toBe('rotated-password-2');
    expect(reader.password.get()).toBe('rotated-password-2');
    await expect(repo.db.fetchVersion('AWSPREVIOUS')).resolves.toMatchObject({ password: GOOD.password });
  });

  it('keeps the last good value when a rotated version fails validation', async () => {
    const source = memory();
    moduleRef = await boot(SecretsModule.forRoot({ sources: [source], logger: false }));
    const repo = moduleRef.get(Repository);
    source.put('app/db', { username: 'app', password: 'short' });
    await repo.db.refresh({ force: true });
    expect(repo.db.get().password).toBe(GOOD.password);
    expect(repo.db.state().rejectedVersionId).toBeDefined();
    expect(repo.db.state().rejectionReason).toMatch(/password/);
    expect(repo.db.state().rejectionReason).not.toContain('short');
  });

  it('SecretsService loads definitions on demand and exposes the store', async () => {
    moduleRef = await boot(SecretsModule.forRoot({ sources: [memory()], logger: false }));
    const service = moduleRef.get(SecretsService);
    expect(service.store).toBe(moduleRef.get(SECRET_STORE));
    await expect(service.get(jwtKey)).resolves.toBe('k1-signing-key');
    await expect(service.get(defineSecret('app/missing', { required: false }))).rejects.toThrow(/app\/missing/);
  });

  it('fills {variables} in secret names', async () => {
    const source = new MemorySource({ secrets: { 'pay/prod/db': GOOD } });
    moduleRef = await Test.createTestingModule({
      imports: [SecretsModule.forRoot({ sources: [source], logger: false, variables: { app: 'pay', env: 'prod' } })],
    }).compile();
    await moduleRef.init();
    await expect(moduleRef.get(SecretsService).get(defineSecret('{app}/{env}/db', { schema: DbCredentials }))).resolves.toMatchObject({
      username: 'app',
    });
  });

  it('fails start-up once, listing every failing secret with paths and what to check, never values', async () => {
    const CANARY = 'canary-7Hq2-do-not-print';
    const lines: string[] = [];
    const capture: LoggerService = {
      log: (m: unknown) => lines.push(String(m)),
      warn: (m: unknown) => lines.push(String(m)),
      error: (m: unknown) => lines.push(String(m)),
      debug: (m: unknown) => lines.push(String(m)),
    };
    const source = new MemorySource({ secrets: { 'app/db': { username: CANARY, password: CANARY.slice(0, 6) } } });
    const ref = await Test.createTestingModule({
      imports: [SecretsModule.forRoot({ sources: [source], logger: capture }), DataModule, AuthModule],
    }).compile();
    // A failed init leaves nothing running: the module releases its store itself (Nest's close() would rethrow).
    const err = (await ref.init().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(SecretsModuleStartupError);
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect(err.name).toBe('SecretsModuleStartupError');
    expect(err.message).toMatch(/app\/db: SecretValidationError \(ValidationFailed\)[^\n]*\n {6}password: [^\n]*minLength/);
    expect(err.message).toContain('password');
    expect(err.message).toMatch(/minLength/);
    expect(err.message).toContain('app/jwt');
    expect(err.message).toMatch(/app\/jwt: SecretNotFoundError \(ResourceNotFoundException\); check MemorySource\.put\('app\/jwt'/);
    expect((err as SecretsStartupError).failures.map((f) => f.secretId).sort()).toEqual(['app/db', 'app/jwt']);
    expect(err.message + lines.join('\n')).not.toContain(CANARY.slice(0, 6));
  });

  it('rejects invalid options with an actionable error', async () => {
    const ref = await Test.createTestingModule({ imports: [SecretsModule.forRoot({ ttlMs: -5, sources: ['vault' as never] })] })
      .compile()
      .catch((e: unknown) => e);
    expect(ref).toBeInstanceOf(InvalidSecretsOptionsError);
    expect((ref as Error).message).toMatch(/ttlMs must be a positive number[\s\S]*unknown source 'vault'/);
  });
});

describe('SecretsModule.forRoot({ isGlobal: false })', () => {
  @Injectable()
  class DeepReader implements OnModuleInit {
    keyAtInit: string | undefined;
    constructor(@InjectSecret(jwtKey) readonly key: SecretHandle<string>) {}
    onModuleInit(): void {
      this.keyAtInit = this.key.get();
    }
  }
  @Module({ imports: [SecretsModule.forFeature(jwtKey)], providers: [DeepReader], exports: [DeepReader] })
  class InnerModule {}
  @Module({ imports: [InnerModule], exports: [InnerModule] })
  class OuterModule {}

  @Injectable()
  class RootUser {
    constructor(
      readonly secrets: SecretsService,
      @Inject(SECRET_STORE) readonly store: SecretStore,
    ) {}
  }

  @Injectable()
  class NeedsService {
    constructor(readonly secrets: SecretsService) {}
  }
  @Module({ providers: [NeedsService] })
  class ElsewhereModule {}

  /** An application root module: forRoot at the top, forFeature in feature modules, some of them nested. */
  const appModule = (root: ReturnType<typeof SecretsModule.forRoot>, extra: Type[] = []): Type => {
    @Module({ imports: [root, DataModule, OuterModule, SecretsHealthModule.forRoot(), ...extra], providers: [RootUser] })
    class AppModule {}
    return AppModule;
  };

  let moduleRef: TestingModule | undefined;
  afterEach(async () => {
    await moduleRef?.close();
    moduleRef = undefined;
  });

  it.each([
    ['forRoot', () => SecretsModule.forRoot({ isGlobal: false, sources: [memory()], logger: false })],
    ['forRootAsync', () => SecretsModule.forRootAsync({ isGlobal: false, useClass: OptionsService })],
  ])('%s: forFeature works in feature modules at any depth; the root module gets SecretsService and SECRET_STORE', async (_name, root) => {
    moduleRef = await Test.createTestingModule({ imports: [appModule(root())] }).compile();
    await moduleRef.init();
    const repo = moduleRef.get(Repository, { strict: false });
    expect(repo.db.get()).toBeInstanceOf(DbCredentials);
    expect(repo.usernameAtInit).toBe('app');
    // Start-up ran before the init hook of a module three levels down.
    expect(moduleRef.get(DeepReader, { strict: false }).keyAtInit).toBe('k1-signing-key');
    const user = moduleRef.get(RootUser, { strict: false });
    expect(user.store).toBe(user.secrets.store);
    expect(user.store.states().map((s) => s.secretId).sort()).toEqual(['app/db', 'app/jwt']);
    await expect(user.secrets.get(dbPassword)).resolves.toBe(GOOD.password);
    // The health indicator reads the same store.
    expect(moduleRef.get(SecretsHealthIndicator, { strict: false }).check()).toMatchObject({ secrets: { status: 'up' } });
  });

  it('keeps SecretsService out of modules that do not import the root module; global by default', async () => {
    const local = await Test.createTestingModule({
      imports: [appModule(SecretsModule.forRoot({ isGlobal: false, sources: [memory()], logger: false }), [ElsewhereModule])],
    })
      .compile()
      .catch((e: unknown) => e);
    expect(local).toBeInstanceOf(Error);
    expect((local as Error).message).toMatch(/NeedsService[\s\S]*SecretsService[\s\S]*ElsewhereModule/);

    moduleRef = await Test.createTestingModule({
      imports: [appModule(SecretsModule.forRoot({ sources: [memory()], logger: false }), [ElsewhereModule])],
    }).compile();
    await moduleRef.init();
    expect(moduleRef.get(NeedsService, { strict: false }).secrets).toBe(moduleRef.get(RootUser, { strict: false }).secrets);
  });
});

describe('SecretsModule tenants', () => {
  const tenantSecrets = () => new MemorySource({ secrets: { 'tenants/a': { clientId: 'a' }, 'tenants/b': { clientId: 'b' }, 'tenants/c': { clientId: 'c' } } });
  const tenantModule = (options: SecretsModuleOptions) => Test.createTestingModule({ imports: [SecretsModule.forRoot({ logger: false, ...options })] }).compile();

  it('keeps tenants in a bounded LRU whose evictions leave the store', async () => {
    const moduleRef = await tenantModule({ sources: [tenantSecrets()], tenants: { template: 'tenants/{tenant}', maxEntries: 2 } });
    await moduleRef.init();
    const secrets = moduleRef.get(SecretsService);
    expect(JSON.parse(await secrets.forTenant<string>('a'))).toEqual({ clientId: 'a' });
    await secrets.forTenant('b');
    await secrets.forTenant('c');
    expect(secrets.loadedTenants()).toEqual(['c', 'b']);
    expect(secrets.states().map((s) => s.secretId).sort()).toEqual(['tenants/b', 'tenants/c']);
    await moduleRef.close();
  });

  it('on shutdown, the tenant entries leave a store passed in, which stays the application\'s', async () => {
    const store = new SecretStore({ sources: tenantSecrets(), metrics: { openTelemetry: false } });
    const moduleRef = await tenantModule({ store, tenants: { template: 'tenants/{tenant}' } });
    await moduleRef.init();
    const secrets = moduleRef.get(SecretsService);
    await Promise.all([secrets.forTenant('a'), secrets.forTenant('b')]);
    expect(store.states().map((s) => s.secretId).sort()).toEqual(['tenants/a', 'tenants/b']);
    await moduleRef.close();
    expect(store.states()).toEqual([]);
    await store.stop();
  });
});
