import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { UsageError } from './errors/usage-error.js';

/** A loaded current value (text only for string secrets) or why it did not load. */
export type LoadedSecret = { ok: true; versionId: string; text?: string } | { ok: false; code?: string; message: string };

/**
 * A reference as applications write it (@keyturn/core's `parseSecretRef`): a name, an ARN,
 * optionally followed by `:json-key[:version-stage[:version-id]]`.
 */
export async function referenceParser(): Promise<(ref: string) => { secretId: string; jsonKey?: string }> {
  const { parseSecretRef, InvalidSecretReferenceError } = await import('@keyturn/core');
  return (ref) => {
    try {
      const r = parseSecretRef(ref);
      return r.jsonKey ? { secretId: r.secretId, jsonKey: r.jsonKey } : { secretId: r.secretId };
    } catch (e) {
      if (e instanceof InvalidSecretReferenceError) throw new UsageError(e.message, { cause: e });
      throw e;
    }
  };
}

/**
 * Loads current values exactly the way an application using @keyturn/core does
 * (AwsSecretsManagerSource: BatchGetSecretValue in chunks of 20, falling back to GetSecretValue
 * when batching is refused), so a passing check means the application's path works.
 */
export async function loadSecretValues(client: SecretsManagerClient, ids: readonly string[]): Promise<Map<string, LoadedSecret>> {
  const { AwsSecretsManagerSource } = await import('@keyturn/core');
  const source = new AwsSecretsManagerSource({ client });
  const unique = [...new Set(ids)];
  const out = new Map<string, LoadedSecret>();
  if (unique.length === 0) return out;
  try {
    const results = await source.fetch(unique.map((secretId) => ({ secretId })));
    for (const r of results) {
      if (r.ok) out.set(r.request.secretId, { ok: true, versionId: r.value.versionId, text: r.value.kind === 'string' ? r.value.text() : undefined });
      else out.set(r.request.secretId, { ok: false, code: r.error.code, message: r.error.message });
    }
  } finally {
    await source.destroy?.();
  }
  return out;
}
