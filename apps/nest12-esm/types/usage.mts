// Compiled (never run) by the e2e suite: Keyturn's published types against NestJS 12 and ioredis 6.
import { Redis } from 'ioredis';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { SecretsModule, SecretsService, defineSecret } from '@keyturn/nestjs';
import { KeyturnRedisModule, createRotatingRedis } from '@keyturn/nestjs/ioredis';
import { TypeOrmSecretOptionsFactory } from '@keyturn/nestjs/typeorm';
import { SecretsHealthModule } from '@keyturn/nestjs/terminus';
import { secretsConfigLoader } from '@keyturn/nestjs/config';

const S = defineSecret('x');
export async function f(secrets: SecretsService): Promise<Redis> {
  const r = await createRotatingRedis(await secrets.handle(S), { redis: { db: 1 } });
  return r.client;
}
@Module({
  imports: [
    ConfigModule.forRoot({ load: [secretsConfigLoader({ namespace: 'a', secrets: { g: defineSecret('s', { key: 'g' }) } })] }),
    SecretsModule.forRootAsync({ imports: [ConfigModule], inject: [ConfigService], useFactory: (c: ConfigService) => ({ region: c.getOrThrow<string>('R') }) }),
    TypeOrmModule.forRootAsync({ extraProviders: [TypeOrmSecretOptionsFactory], inject: [TypeOrmSecretOptionsFactory], useFactory: (t: TypeOrmSecretOptionsFactory) => t.create('db') }),
    KeyturnRedisModule.forRootAsync({ inject: [SecretsService], useFactory: async (s: SecretsService) => ({ source: await s.handle(S), logger: false }) }),
    TerminusModule,
    SecretsHealthModule.forRoot(),
  ],
})
export class M {}
