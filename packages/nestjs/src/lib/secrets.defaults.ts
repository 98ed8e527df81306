import type { SecretsModuleOptions, SecretSourceName } from './interfaces/secrets-module-options.interface.js';

/** Defaults of every option that has one; the single place they are written down. */
export const SECRETS_DEFAULTS = {
  sources: ['aws'] as readonly SecretSourceName[],
  ttlMs: 3_600_000,
  staleIfErrorMs: 86_400_000,
  refreshJitter: [0.5, 1] as const,
  variables: {},
  tenantMaxEntries: 100,
} satisfies Required<Pick<SecretsModuleOptions, 'sources' | 'ttlMs' | 'staleIfErrorMs' | 'refreshJitter' | 'variables'>> & {
  tenantMaxEntries: number;
};
