import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { API_TELEMETRY, type ApiTelemetry } from './api-telemetry.js';
import { MetricsController } from './metrics.controller.js';

/** Serves `/metrics` from the application's MeterProvider and shuts the provider down with the app. */
@Module({})
export class MetricsModule implements OnApplicationShutdown {
  constructor(@Inject(API_TELEMETRY) private readonly telemetry: ApiTelemetry) {}

  static forRoot(telemetry: ApiTelemetry): DynamicModule {
    return { module: MetricsModule, controllers: [MetricsController], providers: [{ provide: API_TELEMETRY, useValue: telemetry }], exports: [API_TELEMETRY] };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.telemetry.provider.shutdown().catch(() => undefined);
  }
}
