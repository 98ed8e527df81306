import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { keyturnMeter, type MeterLike } from '@keyturn/core';

/** The API's OpenTelemetry metrics: one MeterProvider per application, read by the Prometheus exporter. */
export interface ApiTelemetry {
  readonly provider: MeterProvider;
  readonly exporter: PrometheusExporter;
  /** The meter Keyturn's instruments are created on (`@keyturn/core` with its version). */
  readonly keyturnMeter: MeterLike;
}

/**
 * Creates the provider and the exporter. The exporter does not start its own HTTP server
 * (`preventServerStart`): the Nest application serves `/metrics` through the exporter's handler.
 * Nothing is registered globally, so two applications in one process keep their metrics apart.
 */
export function createApiTelemetry(): ApiTelemetry {
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const provider = new MeterProvider({ readers: [exporter] });
  return { provider, exporter, keyturnMeter: keyturnMeter(provider) };
}

/** Injection token of {@link ApiTelemetry}. */
export const API_TELEMETRY = Symbol('API_TELEMETRY');
