// @keyturn/nestjs/terminus: health of Keyturn secrets for @nestjs/terminus (optional peer).
export { SecretsHealthIndicator, type SecretHealthDetail, type SecretsHealthCheckOptions, type SecretsMigrationHealth, type SecretsFleetHealthDetail } from './secrets.health-indicator.js';
export { SecretsHealthModule } from './secrets-health.module.js';
export { SECRETS_HEALTH_DEFAULTS, SECRETS_HEALTH_OPTIONS, type SecretsHealthOptions } from './secrets-health.options.js';
