import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defineSecret, SecretsModule, SecretsService } from '@keyturn/nestjs';
import { IsIn, IsInt, IsOptional, IsString, MinLength } from 'class-validator';
import { Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { getDataSourceToken, InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { startTestEmulator, startPostgres, startRedis, testClientConfig, waitFor, type TestEmulator, type PostgresServer, type RedisServer } from '@keyturn/testing';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { getRedisClientToken, InjectRedisClient, KeyturnRedisModule } from '../src/ioredis/index.js';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import { SecretRotation } from './rotation-support.js';

/** The database secret's shape, validated on every load and refresh (AWSPENDING included). */
class ReportingDbSecret {
  @IsOptional() @IsIn(['postgres']) engine?: string;
  @IsString() host!: string;
  @IsInt() port!: number;
  @IsString() dbname!: string;
  @IsString() username!: string;
  @IsString() @MinLength(8) password!: string;
}

/** A definition with a `{variables}` name and a schema, as the application defines its other secrets. */
const ReportingDb = defineSecret('nest/{database}', { schema: ReportingDbSecret });

@Injectable()
class ReportService {
  constructor(
    @InjectDataSource('reporting') readonly db: DataSource,
    @InjectRedisClient('cache') readonly cache: Redis,
  ) {}

  async count(): Promise<number> {
    const [{ n }] = await this.db.query('select count(*)::int as n from pg_roles');
    await this.cache.set('reports:last', String(n));
    return n;
  }
}

@Module({ providers: [ReportService] })
class ReportModule {}

describe('Nest application with a named TypeORM data source and a Redis client from secrets', () => {
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

  it('compiles, injects both clients, survives a single-user rotation, and quits Redis on shutdown', async () => {
    await pg.sql(`create role nest_app login password 'nest-one'`);
    await redis.command('ACL', 'SETUSER', 'nest_app', 'on', '>cache-one', '~*', '+@all');
    const db = new SecretRotation(sm, 'nest/db');
    const dbSecret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'nest_app', password: 'nest-one' };
    await db.create(dbSecret);
    const cacheRotation = new SecretRotation(sm, 'nest/cache');
    const cacheSecret = { host: redis.host, port: redis.port, username: 'nest_app', password: 'cache-one' };
    await cacheRotation.create(cacheSecret);

    app = await Test.createTestingModule({
      imports: [
        SecretsModule.forRoot({ client: sm, logger: false, variables: { database: 'db' } }),
        TypeOrmModule.forRootAsync({
          name: 'reporting',
          inject: [SecretsService],
          // maxUses: 1 opens a new physical connection per query, so the rotation below is felt at once.
          useFactory: (secrets: SecretsService) =>
            typeOrmOptionsFromSecret(secrets, ReportingDb, { name: 'reporting', extra: { max: 2, maxUses: 1 } }, { logger: { log() {}, warn() {}, error() {} } }),
        }),
        // A plain secret id: its value is the whole secret (JSON text).
        KeyturnRedisModule.forRootAsync({ name: 'cache', useFactory: () => ({ secret: 'nest/cache' }) }),
        ReportModule,
      ],
    }).compile();
    await app.init();

    const service = app.get(ReportService);
    expect(service.db).toBe(app.get(getDataSourceToken('reporting')));
    expect(service.cache).toBe(app.get(getRedisClientToken('cache')));
    expect(await service.count()).toBeGreaterThan(0);

    // setSecret happened, finishSecret not yet: the next connection is rejected with AWSCURRENT and uses AWSPENDING.
    await db.putPending({ ...dbSecret, password: 'nest-two' });
    await pg.sql(`alter role nest_app password 'nest-two'`);
    expect(await service.count()).toBeGreaterThan(0);
    expect(await service.cache.get('reports:last')).toMatch(/^\d+$/);

    // The same window for Redis, through the handle of the secret id: the reconnect is rejected, AWSPENDING authenticates.
    await redis.command('ACL', 'SETUSER', 'nest_app', 'resetpass', '>cache-two');
    await cacheRotation.putPending({ ...cacheSecret, password: 'cache-two' });
    await redis.command('CLIENT', 'KILL', 'USER', 'nest_app');
    expect(await service.cache.incr('reports:runs')).toBeGreaterThan(0);
    expect(await service.cache.call('ACL', 'WHOAMI')).toBe('nest_app');
    expect(await service.db.query('select current_user as u')).toEqual([{ u: 'nest_app' }]);

    const cache = service.cache;
    await app.close();
    app = undefined;
    // QUIT was sent on shutdown: the connection closes right after its reply.
    await waitFor(() => cache.status === 'end', 'the Redis client to end after shutdown', 5_000, 20);
    expect(cache.status).toBe('end');
  });
});
