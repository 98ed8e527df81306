// The application as a NestJS 12 ES-module user writes it, without a compiler: Nest's decorators are
// applied as functions (`Module({...})(AppModule)`), which is what TypeScript emits for `@Module`.
import { Controller, Get, Inject, Injectable, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HealthCheck, HealthCheckService, TerminusModule, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { defineSecret, SecretsModule, SecretsService } from '@keyturn/nestjs';
import { secretsConfigLoader } from '@keyturn/nestjs/config';
import { getRedisClientToken, KeyturnRedisModule } from '@keyturn/nestjs/ioredis';
import { SecretsHealthIndicator, SecretsHealthModule } from '@keyturn/nestjs/terminus';
import { typeOrmOptionsFromSecret } from '@keyturn/nestjs/typeorm';

/** SecretsModule options from the environment (credentials: the AWS SDK chain). */
function secretsOptions(config) {
  const endpoint = config.get('AWS_ENDPOINT_URL_SECRETS_MANAGER');
  const ttlMs = config.get('SECRETS_TTL_MS');
  return { region: config.getOrThrow('AWS_REGION'), ...(endpoint ? { endpoint } : {}), ...(ttlMs ? { ttlMs: Number(ttlMs) } : {}) };
}

const CacheSecret = defineSecret(process.env.REDIS_SECRET_ID ?? 'app/redis');

export class ItemsService {
  constructor(db, cache, config) {
    this.db = db;
    this.cache = cache;
    this.config = config;
  }

  /** One database query and one Redis command per request. */
  async visit() {
    const [{ user, n }] = await this.db.query('select current_user as user, count(*)::int as n from pg_roles');
    const visits = await this.cache.incr('visits');
    return { dbUser: user, roles: n, cacheUser: await this.cache.call('ACL', 'WHOAMI'), visits };
  }

  settings() {
    return { greeting: this.config.get('app.greeting') };
  }
}
Inject(getDataSourceToken())(ItemsService, undefined, 0);
Inject(getRedisClientToken())(ItemsService, undefined, 1);
Inject(ConfigService)(ItemsService, undefined, 2);
Injectable()(ItemsService);

export class ItemsController {
  constructor(items) {
    this.items = items;
  }
  visit() {
    return this.items.visit();
  }
  settings() {
    return this.items.settings();
  }
}
Inject(ItemsService)(ItemsController, undefined, 0);
for (const [method, path] of [['visit', 'visit'], ['settings', 'settings']]) {
  Get(path)(ItemsController.prototype, method, Object.getOwnPropertyDescriptor(ItemsController.prototype, method));
}
Controller()(ItemsController);

/** Readiness: the database and every secret (secrets degraded during an outage stay up). */
export class HealthController {
  constructor(health, db, secrets) {
    this.health = health;
    this.db = db;
    this.secrets = secrets;
  }
  ready() {
    return this.health.check([() => this.db.pingCheck('database'), () => this.secrets.check('secrets', { details: false })]);
  }
}
Inject(HealthCheckService)(HealthController, undefined, 0);
Inject(TypeOrmHealthIndicator)(HealthController, undefined, 1);
Inject(SecretsHealthIndicator)(HealthController, undefined, 2);
const ready = Object.getOwnPropertyDescriptor(HealthController.prototype, 'ready');
HealthCheck()(HealthController.prototype, 'ready', ready);
Get('ready')(HealthController.prototype, 'ready', ready);
Controller('health')(HealthController);

export class AppModule {}
Module({
  imports: [
    ConfigModule.forRoot({
      isGlobal: true,
      // A secret read through ConfigService: configService.get('app.greeting').
      load: [
        secretsConfigLoader({
          namespace: 'app',
          region: process.env.AWS_REGION,
          ...(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { endpoint: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}),
          secrets: { greeting: defineSecret(process.env.SETTINGS_SECRET_ID ?? 'app/settings', { key: 'greeting' }) },
        }),
      ],
    }),
    SecretsModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config) => secretsOptions(config),
    }),
    TypeOrmModule.forRootAsync({
      inject: [SecretsService, ConfigService],
      useFactory: (secrets, config) => typeOrmOptionsFromSecret(secrets, config.getOrThrow('DB_SECRET_ID'), { extra: { max: 4 } }),
    }),
    KeyturnRedisModule.forRootAsync({
      useFactory: () => ({ secret: CacheSecret }),
    }),
    TerminusModule,
    SecretsHealthModule.forRoot({ degradedAs: 'up' }),
  ],
  controllers: [ItemsController, HealthController],
  providers: [ItemsService],
})(AppModule);
