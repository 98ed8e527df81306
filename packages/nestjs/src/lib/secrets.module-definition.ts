import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SecretsModuleOptions } from './interfaces/secrets-module-options.interface.js';

export const {
  ConfigurableModuleClass: ConfigurableSecretsModule,
  MODULE_OPTIONS_TOKEN: SECRETS_MODULE_OPTIONS,
  OPTIONS_TYPE: SECRETS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SECRETS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SecretsModuleOptions>({ moduleName: 'Secrets' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSecretsOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
  .build();
