import type { SecretsModuleOptions } from './secrets-module-options.interface.js';

/** A class for `SecretsModule.forRootAsync({ useClass })` / `useExisting`. */
export interface SecretsOptionsFactory {
  createSecretsOptions(): SecretsModuleOptions | Promise<SecretsModuleOptions>;
}
