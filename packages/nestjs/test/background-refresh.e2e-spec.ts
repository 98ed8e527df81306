import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defineSecret, getSecretToken, SecretsModule, type SecretHandle } from '@keyturn/nestjs';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { startTestEmulator, startPostgres, startRedis, testClientConfig, waitFor, type TestEmulator, type PostgresServer, type RedisServer } from '@keyturn/testing';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { InjectRedisClient, KeyturnRedisModule } from '../src/ioredis/index.js';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import { SecretRotation } from './rotation-support.js';

// Registered with forFeature and injected as handles, so the integrations find them not yet loaded and
// load them with refresh(), before the SecretsModule start-up load.
const DbSecret = defineSecret('bg/db', { ttlMs: 1_000 });
const CacheSecret = defineSecret('bg/cache', { ttlMs: 1_000 });
const SecretsFeature = SecretsModule.forFeature(DbSecret, CacheSecret);

@Injectable()
class Clients {
  constructor(
    @InjectDataSource('bg') readonly db: DataSource,
    @InjectRedisClient('bg') readonly cache: Redis,
  ) {}
}

@Module({ providers: [Clients] })
class ClientsModule {}

describe('secrets first read by the TypeORM and ioredis integrations are refreshed in the background', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  let app: TestingModule | undefined;

  beforeAll(async () => {
    [pg, redis, emulatorServer] = await Promise.all([startPostgres(), startRedis(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    await app?.close();
    sm?.destroy();
    await Promise.all([pg?.stop(), redis?.stop(), emulatorServer?.stop()]);
  });

  it('picks up a rotation of the database and Redis secrets without a forced refresh', async () => {
    await pg.sql(`create role bg_app login password 'bg-one'`);
    await redis.command('ACL', 'SETUSER', 'bg_app', 'on', '>cache-one', '~*', '+@all');
    const dbSecret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'bg_app', password: 'bg-one' };
    const cacheSecret = { host: redis.host, port: redis.port, username: 'bg_app', password: 'cache-one' };
    await new SecretRotation(sm, 'bg/db').create(dbSecret);
    await new SecretRotation(sm, 'bg/cache').create(cacheSecret);

    app = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot({ client: sm, logger: false }),
        TypeOrmModule.forRootAsync({
          name: 'bg',
          imports: [SecretsFeature],
          inject: [getSecretToken(DbSecret)],
          // maxUses: 1 opens a new physical connection per query, so each query authenticates again.
          useFactory: (handle: SecretHandle<unknown>) =>
            typeOrmOptionsFromSecret(handle, { name: 'bg', extra: { max: 2, maxUses: 1 } }, { logger: { log() {}, warn() {}, error() {} } }),
        }),
        KeyturnRedisModule.forRootAsync({
          name: 'bg',
          imports: [SecretsFeature],
          inject: [getSecretToken(CacheSecret)],
          useFactory: (handle: SecretHandle<unknown>) => ({ secret: handle }),
        }),
        ClientsModule,
      ],
    }).compile();
    await app.init();

    const db = app.get<SecretHandle<unknown>>(getSecretToken(DbSecret), { strict: false });
    const cache = app.get<SecretHandle<unknown>>(getSecretToken(CacheSecret), { strict: false });
    const clients = app.get(Clients);
    expect(await clients.db.query('select current_user as u')).toEqual([{ u: 'bg_app' }]);
    expect(await clients.cache.call('ACL', 'WHOAMI')).toBe('bg_app');
    const firstDb = db.state().versionId;
    const firstCache = cache.state().versionId;
    expect(firstDb).toBeDefined();
    expect(firstCache).toBeDefined();

    // A single-user rotation done by hand: the services take the new password, then it becomes AWSCURRENT.
    await pg.sql(`alter role bg_app password 'bg-two'`);
    await redis.command('ACL', 'SETUSER', 'bg_app', 'resetpass', '>cache-two');
    const dbPut = await sm.send(new PutSecretValueCommand({ SecretId: 'bg/db', SecretString: JSON.stringify({ ...dbSecret, password: 'bg-two' }) }));
    const cachePut = await sm.send(new PutSecretValueCommand({ SecretId: 'bg/cache', SecretString: JSON.stringify({ ...cacheSecret, password: 'cache-two' }) }));
    expect(dbPut.VersionId).not.toBe(firstDb);

    // No query, no reconnect, no refresh() from here: only the store's refresh timers can move the versions.
    await waitFor(() => db.state().versionId === dbPut.VersionId, 'the database secret to be refreshed in the background', 15_000, 50);
    await waitFor(() => cache.state().versionId === cachePut.VersionId, 'the Redis secret to be refreshed in the background', 15_000, 50);
    expect(db.state()).toMatchObject({ state: 'fresh', versionId: dbPut.VersionId });
    expect(cache.state()).toMatchObject({ state: 'fresh', versionId: cachePut.VersionId });
    expect(db.state().nextRefreshAt).toBeInstanceOf(Date);

    // The new connections authenticate with the new passwords.
    expect(await clients.db.query('select current_user as u')).toEqual([{ u: 'bg_app' }]);
    await redis.command('CLIENT', 'KILL', 'USER', 'bg_app');
    expect(await clients.cache.incr('bg:runs')).toBeGreaterThan(0);
    expect(await clients.cache.call('ACL', 'WHOAMI')).toBe('bg_app');
  });
});
