// Compiled (never run) by the e2e suite: Keyturn's published types against NestJS 12 and ioredis 6.
import { Redis } from 'ioredis';
import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { SecretsModule, SecretsService, defineSecret } from '@keyturn/nestjs';
import { KeyturnRedisModule } from '@keyturn/nestjs/ioredis';
import { createRotatingRedis } from '@keyturn/core/connections';
import { typeOrmOptionsFromSecret } from '@keyturn/nestjs/typeorm';
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
    TypeOrmModule.forRootAsync({ inject: [SecretsService], useFactory: (s: SecretsService) => typeOrmOptionsFromSecret(s, S, {}, { logger: false }) }),
    KeyturnRedisModule.forRootAsync({ inject: [SecretsService], useFactory: () => ({ secret: S, logger: false }) }),
    TerminusModule,
    SecretsHealthModule.forRoot(),
  ],
})
export class M {}
