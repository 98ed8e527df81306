// A provider factory that reads its secret before the batched start-up (as the TypeORM and ioredis
// integrations do) must not hide the other missing secrets: the one start-up error lists them all.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MemorySource } from '@keyturn/core';
import { SecretsModule, SecretsModuleStartupError, SecretsService, defineSecret } from '@keyturn/nestjs';

const present = defineSecret('app/present', { key: 'token' });
const missingA = defineSecret('app/missing-a', { key: 'token' });
const missingB = defineSecret('app/missing-b', { key: 'token' });
const earlyMissing = defineSecret('app/early-missing', { key: 'password' });
const CLIENT = Symbol('CLIENT');

@Module({ imports: [SecretsModule.forFeature(present, missingA, missingB)] })
class FeatureModule {}

describe('an early read that fails before start-up', () => {
  it('stops start-up with one error listing every missing required secret, never a value', async () => {
    const canary = `canary-${Math.random().toString(36).slice(2)}`;
    const source = new MemorySource({ secrets: { 'app/present': { token: canary } } });
    @Module({
      imports: [SecretsModule.forRoot({ sources: [source], logger: false }), FeatureModule],
      providers: [{ provide: CLIENT, inject: [SecretsService], useFactory: async (s: SecretsService) => (await s.handle(earlyMissing)).get() }],
    })
    class AppModule {}

    const error = await Test.createTestingModule({ imports: [AppModule] })
      .compile()
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SecretsModuleStartupError);
    const message = (error as Error).message;
    for (const id of ['app/early-missing', 'app/missing-a', 'app/missing-b']) expect(message).toContain(id);
    expect(message).not.toContain('app/present');
    expect(message).not.toContain(canary);
    expect((error as SecretsModuleStartupError).failures.map((f) => f.secretId).sort()).toEqual(['app/early-missing', 'app/missing-a', 'app/missing-b']);
  });

  it('leaves a failed early read of a loaded secret alone (runtime errors are not start-up errors)', async () => {
    const source = new MemorySource({ secrets: { 'app/present': { token: 'v1' } } });
    @Module({ imports: [SecretsModule.forRoot({ sources: [source], logger: false }), SecretsModule.forFeature(present)] })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await moduleRef.init();
    const secrets = moduleRef.get(SecretsService);
    const handle = await secrets.handle(present);
    expect(handle.get()).toBe('v1');
    await expect(secrets.handle(missingA)).rejects.not.toBeInstanceOf(SecretsModuleStartupError);
    await moduleRef.close();
  });
});
