import { Controller, Get, Header, Inject } from '@nestjs/common';
import { SecretsService } from '@keyturn/nestjs';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import { renderStatusPage } from './status-page.js';

/** `/status`: an HTML page for operators listing each secret's version, age, source and state (never a value). */
@Controller('status')
export class StatusController {
  constructor(
    private readonly secrets: SecretsService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  page(): string {
    const rows = this.secrets
      .states()
      .map((s) => ({ name: s.secretId, versionId: s.versionId, ageMs: s.ageMs, source: s.source, state: s.state, lastErrorCode: s.lastErrorCode }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return renderStatusPage(`Secrets of ${this.options.app} (${this.options.env})`, rows, new Date());
  }
}
