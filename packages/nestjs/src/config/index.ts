// @keyturn/nestjs/config: secrets through @nestjs/config's ConfigService (optional peer).
export {
  secretsConfigLoader,
  type SecretsConfig,
  type SecretsConfigFactory,
  type SecretsConfigLoaderOptions,
} from './secrets-config.loader.js';
