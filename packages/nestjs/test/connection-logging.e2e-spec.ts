// What a Nest application logs while its database and cache passwords rotate out of band: with the
// application logger set to nestjs-pino, Keyturn's lines arrive as pino JSON with the structured
// fields as properties, and a rejected login is logged at warn (context 'Keyturn') by default;
// `logger: false` on a connection turns its messages off. No line carries a password.
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { defineSecret, SecretsModule, SecretsService } from '@keyturn/nestjs';
import { Injectable, Logger, Module, type DynamicModule, type INestApplicationContext, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectDataSource, TypeOrmModule } from '@nestjs/typeorm';
import { startTestEmulator, startPostgres, startRedis, testClientConfig, type TestEmulator, type PostgresServer, type RedisServer } from '@keyturn/testing';
import type { Redis } from 'ioredis';
import { Logger as PinoNestLogger, PinoLogger } from 'nestjs-pino';
import { Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { InjectRedisClient, KeyturnRedisModule } from '../src/ioredis/index.js';
import { typeOrmOptionsFromSecret } from '../src/typeorm/index.js';
import { SecretRotation, storeCredentials } from './rotation-support.js';

/** Every JSON line pino writes. nestjs-pino keeps one root pino logger per process, so one sink serves every app here. */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString('utf8').split('\n').filter((l) => l.trim() !== ''));
    done();
  },
});
const pinoLogger = () => new PinoNestLogger(new PinoLogger({ pinoHttp: [{ level: 'info' }, sink] }), {});
type PinoLine = { level: number; context?: string; msg?: string; secretId?: string; versionId?: string };
const parsed = (from: number): PinoLine[] => lines.slice(from).map((l) => JSON.parse(l) as PinoLine);

@Injectable()
class Probe {
  constructor(
    @InjectDataSource() readonly db: DataSource,
    @InjectRedisClient() readonly cache: Redis,
  ) {}

  async user(): Promise<{ db: string; cache: unknown }> {
    const [{ u }] = (await this.db.query('select current_user as u')) as { u: string }[];
    return { db: u, cache: await this.cache.call('ACL', 'WHOAMI') };
  }
}

/** SecretsModule with its default logger, TypeORM and Redis from secrets; `connectionLogger: false` silences the connections. */
function appModule(sm: SecretsManagerClient, db: string, cache: string, connectionLogger?: false): DynamicModule {
  const off = connectionLogger === false ? { logger: false as const } : {};
  const CacheSecret = defineSecret(cache);
  @Module({})
  class AppModule {}
  return {
    module: AppModule,
    imports: [
      SecretsModule.forRoot({ client: sm }),
      TypeOrmModule.forRootAsync({
        inject: [SecretsService],
        // maxUses: 1 opens a new physical connection per query, so a password change is felt at once.
        useFactory: (secrets: SecretsService) => typeOrmOptionsFromSecret(secrets, db, { extra: { max: 2, maxUses: 1 } }, off),
      }),
      KeyturnRedisModule.forRootAsync({
        useFactory: () => ({ secret: CacheSecret, ...off }),
      }),
    ],
    providers: [Probe],
  };
}

describe('connection retries in the application log', () => {
  let pg: PostgresServer;
  let redis: RedisServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  let app: INestApplicationContext | undefined;

  beforeAll(async () => {
    [pg, redis, emulatorServer] = await Promise.all([startPostgres(), startRedis(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  afterAll(async () => {
    sm?.destroy();
    await Promise.all([pg?.stop(), redis?.stop(), emulatorServer?.stop()]);
  });

  /** Creates the user and the secrets, starts the app, changes both passwords out of band and uses the app again. */
  async function rotateOutOfBand(name: string, connectionLogger?: false) {
    const passwords = [`${name}-pg-one`, `${name}-pg-two`, `${name}-redis-one`, `${name}-redis-two`];
    await pg.sql(`create role ${name} login password '${passwords[0]}'`);
    await redis.command('ACL', 'SETUSER', name, 'on', `>${passwords[2]}`, '~*', '+@all');
    const dbSecret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: name, password: passwords[0] };
    const cacheSecret = { host: redis.host, port: redis.port, username: name, password: passwords[2] };
    await new SecretRotation(sm, `${name}/db`).create(dbSecret);
    await new SecretRotation(sm, `${name}/cache`).create(cacheSecret);

    const from = lines.length;
    app = await NestFactory.createApplicationContext(appModule(sm, `${name}/db`, `${name}/cache`, connectionLogger), { logger: pinoLogger() });
    const probe = app.get(Probe);
    expect(await probe.user()).toEqual({ db: name, cache: name });

    // Someone changes the passwords and writes the new AWSCURRENT; the app's cache still holds the old ones.
    await pg.sql(`alter role ${name} password '${passwords[1]}'`);
    await sm.send(new PutSecretValueCommand({ SecretId: `${name}/db`, SecretString: JSON.stringify({ ...dbSecret, password: passwords[1] }) }));
    await redis.command('ACL', 'SETUSER', name, 'resetpass', `>${passwords[3]}`);
    await sm.send(new PutSecretValueCommand({ SecretId: `${name}/cache`, SecretString: JSON.stringify({ ...cacheSecret, password: passwords[3] }) }));
    await redis.command('CLIENT', 'KILL', 'USER', name);
    // Both calls wait for the refreshed credentials instead of failing.
    expect(await probe.user()).toEqual({ db: name, cache: name });
    await app.close();
    app = undefined;
    return { logged: parsed(from), text: lines.slice(from).join('\n'), passwords };
  }

  it('logs each rejected login at warn with context Keyturn, and the rotation with its fields as pino properties, by default', async () => {
    const { logged, text, passwords } = await rotateOutOfBand('log_default');
    const warns = logged.filter((l) => l.level === 40 && l.context === 'Keyturn');
    expect(warns.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PostgreSQL rejected credentials from secret "log_default\/db" version \S+ \(AWSCURRENT, user "log_default", 28P01\); refreshing$/),
        expect.stringMatching(/^Redis rejected credentials from secret "log_default\/cache" version \S+ \(user "log_default", WRONGPASS\); refreshing$/),
      ]),
    );
    // The store's own lines (through the SecretsModule's default Nest Logger) keep their fields as properties.
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ level: 30, context: 'Keyturn', secretId: 'log_default/db', versionId: expect.any(String), msg: expect.stringMatching(/^Secret "log_default\/db" rotated: version /) }),
      ]),
    );
    for (const password of passwords) expect(text).not.toContain(password);
  });

  it('logs nothing about the connections with `logger: false` on them', async () => {
    const { logged, text, passwords } = await rotateOutOfBand('log_off', false);
    expect(logged.filter((l) => /rejected credentials|accepted credentials/.test(l.msg ?? ''))).toEqual([]);
    // The store still reports the rotation it saw: only the connection messages are off.
    expect(logged).toEqual(expect.arrayContaining([expect.objectContaining({ secretId: 'log_off/db', msg: expect.stringMatching(/rotated/) })]));
    for (const password of passwords) expect(text).not.toContain(password);
  });

  it('typeOrmOptionsFromSecret without a logger warns through a Nest Logger with context Keyturn', async () => {
    const calls: { level: string; params: unknown[] }[] = [];
    const record = (level: string) => (...params: unknown[]) => void calls.push({ level, params });
    const capture: LoggerService = { log: record('log'), warn: record('warn'), error: record('error') };
    const original = (Logger as unknown as { staticInstanceRef: LoggerService }).staticInstanceRef;
    await pg.sql(`create role log_plain login password 'plain-one'`);
    const secret = { engine: 'postgres', host: pg.host, port: pg.port, dbname: 'postgres', username: 'log_plain', password: 'plain-one' };
    await new SecretRotation(sm, 'log_plain/db').create(secret);
    const { store, source } = await storeCredentials(sm, 'log_plain/db');
    const ds = new DataSource(await typeOrmOptionsFromSecret(source, { extra: { max: 1, maxUses: 1 } }));
    Logger.overrideLogger(capture);
    try {
      await ds.initialize();
      await pg.sql(`alter role log_plain password 'plain-two'`);
      await sm.send(new PutSecretValueCommand({ SecretId: 'log_plain/db', SecretString: JSON.stringify({ ...secret, password: 'plain-two' }) }));
      expect(await ds.query('select current_user as u')).toEqual([{ u: 'log_plain' }]);
    } finally {
      Logger.overrideLogger(original);
      if (ds.isInitialized) await ds.destroy();
      await store.stop();
    }
    expect(calls).toEqual(
      expect.arrayContaining([{ level: 'warn', params: [expect.stringMatching(/^PostgreSQL rejected credentials from secret "log_plain\/db" .*28P01\); refreshing$/), 'Keyturn'] }]),
    );
    expect(JSON.stringify(calls)).not.toMatch(/plain-one|plain-two/);
  });
});
