import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { SecretsHealthIndicator } from './secrets.health-indicator.js';
import { SECRETS_HEALTH_OPTIONS, type SecretsHealthOptions } from './secrets-health.options.js';

/**
 * Provides `SecretsHealthIndicator` (needs `SecretsModule.forRoot*` in the application).
 * @example imports: [TerminusModule, SecretsHealthModule.forRoot({ degradedAs: 'up' })]
 */
@Module({})
export class SecretsHealthModule {
  static forRoot(options: SecretsHealthOptions = {}): DynamicModule {
    return {
      module: SecretsHealthModule,
      imports: [TerminusModule],
      providers: [{ provide: SECRETS_HEALTH_OPTIONS, useValue: options }, SecretsHealthIndicator],
      exports: [SecretsHealthIndicator],
    };
  }
}
