import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import type { SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { SecretsModule } from '@keyturn/nestjs';
import { AuthModule } from './auth/auth.module.js';
import { API_OPTIONS, type ApiOptions } from './config/api-options.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { RedisModule } from './redis/redis.module.js';
import { ApiSecretsModule } from './secrets/api-secrets.module.js';
import { secretDefinitions } from './secrets/secret-definitions.js';
import { createApiTelemetry } from './metrics/api-telemetry.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { StatusTimeline } from './status/status-timeline.js';
import { StatusModule } from './status/status.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

/** What {@link AppModule.forRoot} needs besides {@link ApiOptions}. */
export interface AppModuleOptions {
  readonly api: ApiOptions;
  /**
   * Static credentials for Secrets Manager (the embedded emulator); unset uses the AWS SDK chain.
   * @default undefined
   */
  readonly credentials?: SecretsManagerClientConfig['credentials'];
}

@Global()
@Module({})
class ApiOptionsModule {
  static forRoot(options: ApiOptions): DynamicModule {
    return { module: ApiOptionsModule, providers: [{ provide: API_OPTIONS, useValue: options }], exports: [API_OPTIONS] };
  }
}

/**
 * The payments-and-notifications API. Each call builds its own metrics pipeline (MeterProvider and
 * Prometheus exporter) and status timeline, so two applications in one process stay apart.
 */
@Module({})
export class AppModule {
  static forRoot({ api, credentials }: AppModuleOptions): DynamicModule {
    const telemetry = createApiTelemetry();
    const timeline = new StatusTimeline();
    const clientConfig = { region: api.region, ...(api.secretsEndpoint ? { endpoint: api.secretsEndpoint } : {}), ...(credentials ? { credentials } : {}) };
    return {
      module: AppModule,
      imports: [
        ApiOptionsModule.forRoot(api),
        // The settings (read from the environment by apiOptionsFromEnv) under the 'api' namespace.
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [registerAs('api', () => api)] }),
        SecretsModule.forRootAsync({
          isGlobal: true,
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => {
            const endpoint = config.get<string>('api.secretsEndpoint');
            return {
              region: config.getOrThrow<string>('api.region'),
              ...(endpoint ? { endpoint } : {}),
              ...(credentials ? { credentials } : {}),
              ttlMs: config.getOrThrow<number>('api.secretTtlMs'),
              metrics: { meter: telemetry.keyturnMeter },
              audit: timeline,
            };
          },
        }),
        ApiSecretsModule.forRoot(secretDefinitions(api.secrets)),
        DatabaseModule.forRoot(),
        RedisModule,
        AuthModule,
        OrdersModule,
        WebhooksModule,
        NotificationsModule,
        HealthModule,
        MetricsModule.forRoot(telemetry),
        StatusModule.forRoot({ timeline, clientConfig }),
      ],
    };
  }
}
