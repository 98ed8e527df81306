import { BatchGetSecretValueCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { awsErrorName, toCliError } from './aws-errors.js';
import type { CliError } from './errors/cli-error.js';
import { UsageError } from './errors/usage-error.js';

/** A loaded current value (text only for string secrets) or the reason it did not load. */
export type LoadedSecret =
  | { ok: true; versionId?: string; text?: string; via: 'BatchGetSecretValue' | 'GetSecretValue' }
  | { ok: false; error: CliError };

/** `name` or `name:jsonKey` (ARNs may carry `:jsonKey` after the 7 ARN parts). */
export function parseReference(ref: string): { secretId: string; jsonKey?: string } {
  const parts = ref.split(':');
  const headLen = ref.startsWith('arn:') ? 7 : 1;
  if (parts.length < headLen || parts.length > headLen + 3) throw new UsageError(`Invalid secret reference "${ref}": expected a name, an ARN, or "name:json-key"`);
  const secretId = parts.slice(0, headLen).join(':');
  if (!secretId) throw new UsageError(`Invalid secret reference "${ref}": the name is empty`);
  const jsonKey = parts[headLen] || undefined;
  return jsonKey ? { secretId, jsonKey } : { secretId };
}

/**
 * Loads current values the way an application does: BatchGetSecretValue in chunks of 20 ids,
 * then GetSecretValue for whatever the batch did not return (or for everything when the caller
 * may not batch).
 */
export async function loadSecretValues(client: SecretsManagerClient, ids: readonly string[], endpoint?: string): Promise<Map<string, LoadedSecret>> {
  const out = new Map<string, LoadedSecret>();
  const unique = [...new Set(ids)];
  if (unique.length >= 2) {
    for (let i = 0; i < unique.length; i += 20) {
      const chunk = unique.slice(i, i + 20);
      try {
        let token: string | undefined;
        do {
          const r = await client.send(new BatchGetSecretValueCommand({ SecretIdList: chunk, NextToken: token }));
          for (const v of r.SecretValues ?? []) {
            const id = chunk.find((c) => c === v.Name || c === v.ARN);
            if (id) out.set(id, { ok: true, versionId: v.VersionId, text: v.SecretString, via: 'BatchGetSecretValue' });
          }
          token = r.NextToken ?? undefined;
        } while (token);
      } catch (err) {
        if (awsErrorName(err) !== 'AccessDeniedException') {
          const e = toCliError(err, { action: 'secretsmanager:BatchGetSecretValue', endpoint });
          for (const id of chunk) out.set(id, { ok: false, error: e });
        }
      }
    }
  }
  await Promise.all(
    unique
      .filter((id) => !out.has(id))
      .map(async (id) => {
        try {
          const r = await client.send(new GetSecretValueCommand({ SecretId: id }));
          out.set(id, { ok: true, versionId: r.VersionId, text: r.SecretString, via: 'GetSecretValue' });
        } catch (err) {
          out.set(id, { ok: false, error: toCliError(err, { action: 'secretsmanager:GetSecretValue', secretId: id, endpoint }) });
        }
      }),
  );
  return out;
}
