import { Controller, Get, Inject, Req } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import type { Request } from 'express';
import { SecretsHealthIndicator } from '@keyturn/nestjs/terminus';
import { JwtKeysService } from '../auth/jwt-keys.service.js';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import { RedisHealthIndicator } from './redis.health.js';

/**
 * Kubernetes-style probes.
 * - `/health/live`: the process can serve requests. No dependency is checked, so a database or
 *   Secrets Manager outage never makes Kubernetes restart the pod.
 * - `/health/ready`: the database, Redis and the secrets. A database or Redis that does not answer
 *   takes the instance out of the load balancer (503); secrets served stale during a Secrets Manager
 *   outage are `degraded` and stay ready (200), since restarting would lose the last good values.
 *   Secret names, versions and error messages are shown as `ApiOptions.healthDetails` allows.
 * - `/health`: the same as `/health/ready` (kept for existing monitors).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly secrets: SecretsHealthIndicator,
    private readonly keys: JwtKeysService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  @Get('live')
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Req() req: Request): Promise<HealthCheckResult> {
    const details = await this.showDetails(req);
    return this.health.check([
      async () => this.redact(await this.db.pingCheck('database', { timeout: 1_500 }), details),
      async () => this.redact(await this.redis.check('redis'), details),
      () => this.secrets.check('secrets', { details }),
    ]);
  }

  @Get()
  @HealthCheck()
  check(@Req() req: Request): Promise<HealthCheckResult> {
    return this.ready(req);
  }

  /** Whether this caller may see secret names, versions and error messages. */
  private async showDetails(req: Request): Promise<boolean> {
    const policy = this.options.healthDetails;
    if (policy !== 'authenticated') return policy === 'always';
    const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(req.headers.authorization ?? '');
    if (!match) return false;
    try {
      await this.keys.verify(match[1]);
      return true;
    } catch {
      return false;
    }
  }

  /** Keeps only `status` of a dependency check for callers without details (error messages name hosts). */
  private redact<const K extends string>(result: HealthIndicatorResult<K>, details: boolean): HealthIndicatorResult<K> {
    if (details) return result;
    return Object.fromEntries(Object.entries(result).map(([k, v]) => [k, { status: (v as { status: string }).status }])) as HealthIndicatorResult<K>;
  }
}
