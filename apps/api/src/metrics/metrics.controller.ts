import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { API_TELEMETRY, type ApiTelemetry } from './api-telemetry.js';

/** `/metrics`: Prometheus text exposition, written by the OpenTelemetry Prometheus exporter. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(API_TELEMETRY) private readonly telemetry: ApiTelemetry) {}

  @Get()
  scrape(@Req() req: Request, @Res() res: Response): void {
    this.telemetry.exporter.getMetricsRequestHandler(req, res);
  }
}
