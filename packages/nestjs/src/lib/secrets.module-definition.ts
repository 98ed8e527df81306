import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { SecretsModuleOptions } from './interfaces/secrets-module-options.interface.js';
import { SECRET_STORE } from './secrets.constants.js';
import { SecretsService } from './secrets.service.js';

export const {
  ConfigurableModuleClass: ConfigurableSecretsModule,
  MODULE_OPTIONS_TOKEN: SECRETS_MODULE_OPTIONS,
  OPTIONS_TYPE: SECRETS_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: SECRETS_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<SecretsModuleOptions>({ moduleName: 'Secrets' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createSecretsOptions')
  // Always global, like @nestjs/typeorm's core module: forFeature modules reach the store wherever
  // they are, and start-up runs before other modules' init hooks. `isGlobal: false` keeps only the
  // public SECRET_STORE / SecretsService out of the global scope (SecretsModule.forRoot then gives
  // them to the module that imports it).
  .setExtras({ isGlobal: true }, (definition, extras) => ({
    ...definition,
    global: true,
    exports: [...(definition.exports ?? []), ...(extras.isGlobal ? [SECRET_STORE, SecretsService] : [])],
  }))
  .build();
