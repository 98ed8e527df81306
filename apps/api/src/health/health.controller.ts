import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { SecretsHealthIndicator } from '@keyturn/nestjs/terminus';
import { RedisHealthIndicator } from './redis.health.js';

/** `/health`: database, Redis and secrets. Secrets served stale during an outage report up with `state: 'degraded'`. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly secrets: SecretsHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.db.pingCheck('database', { timeout: 1_500 }),
      () => this.redis.check('redis'),
      () => this.secrets.check('secrets'),
    ]);
  }
}
