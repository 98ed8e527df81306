import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { renderStatusPage } from './status-page.js';
import { StatusService, type StatusSnapshot } from './status.service.js';

/** Files of the chart library the page loads (from node_modules: the page works offline). */
const ASSETS: Record<string, { module: string; type: string }> = {
  'uPlot.iife.min.js': { module: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  'uPlot.min.css': { module: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};

/** `/status`: the operators' page; `/status/data`: what it shows, as JSON (metadata only, never a value). */
@Controller('status')
export class StatusController {
  readonly #assets = new Map<string, Buffer>();

  constructor(private readonly status: StatusService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(): Promise<string> {
    return renderStatusPage(await this.status.snapshot());
  }

  @Get('data')
  @Header('Cache-Control', 'no-store')
  data(): Promise<StatusSnapshot> {
    return this.status.snapshot();
  }

  @Get('assets/:file')
  async asset(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const asset = Object.hasOwn(ASSETS, file) ? ASSETS[file] : undefined;
    if (!asset) throw new NotFoundException();
    let body = this.#assets.get(file);
    if (!body) {
      body = await readFile(require.resolve(asset.module));
      this.#assets.set(file, body);
    }
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.end(body);
  }
}
