import { KeyturnError, type SecretStore } from '@keyturn/core';
import { SecretsModuleStartupError } from './errors/secrets-module-startup.error.js';

/**
 * A first load that fails before the batched start-up (an integration's provider factory reads its
 * secret early) would stop the application naming that one secret only. This loads the other
 * required secrets registered so far too, and returns one error listing every failing secret, as
 * start-up does. Errors that are not Keyturn's are returned unchanged.
 */
export async function earlyLoadFailure(store: SecretStore, secretId: string, error: unknown): Promise<unknown> {
  if (!(error instanceof KeyturnError)) return error;
  // Required secrets with no value yet: not loaded, being loaded, or failed to load.
  const seen = new Set<string>([secretId]);
  const others = store.states().filter((s) => s.required && s.versionId === undefined && !seen.has(s.secretId) && seen.add(s.secretId));
  const results = await Promise.allSettled(others.map((s) => store.refresh(s.secretId)));
  const failures: { secretId: string; error: KeyturnError }[] = [{ secretId, error }];
  results.forEach((r, i) => {
    if (r.status === 'rejected' && r.reason instanceof KeyturnError) failures.push({ secretId: others[i].secretId, error: r.reason });
  });
  return new SecretsModuleStartupError(failures);
}
