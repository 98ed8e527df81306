import { SECRET_STORE_DEFAULTS } from '@keyturn/core';
import type { SecretsModuleOptions, SecretSourceName } from './interfaces/secrets-module-options.interface.js';

/**
 * Defaults of every module option that has one: the store's come from `SECRET_STORE_DEFAULTS` of
 * @keyturn/core (written down once, there); only what the module adds is written here.
 */
export const SECRETS_DEFAULTS = {
  ttlMs: SECRET_STORE_DEFAULTS.ttlMs,
  staleIfErrorMs: SECRET_STORE_DEFAULTS.staleIfErrorMs,
  refreshJitter: SECRET_STORE_DEFAULTS.refreshJitter,
  sources: ['aws'] as readonly SecretSourceName[],
  variables: {},
  tenantMaxEntries: 100,
} satisfies Required<Pick<SecretsModuleOptions, 'sources' | 'ttlMs' | 'staleIfErrorMs' | 'refreshJitter' | 'variables'>> & {
  tenantMaxEntries: number;
};
