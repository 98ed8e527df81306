import { CreateSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { errorCode } from '@keyturn/core';
import { toCliError } from './aws-errors.js';
import { CliError } from './errors/cli-error.js';
import type { EnvAssignment } from './env-grouping.js';
import { putIfCurrent } from './guarded-update.js';
import { requestToken } from './request-token.js';
import { isJsonObject, parseJsonSafely } from './secret-json.js';

/** What `migrate-env` will do (or did) with one secret. Holds key names only, never values. */
export interface PlannedSecret {
  secretId: string;
  action: 'create' | 'update' | 'unchanged' | 'error';
  /** Every key the .env file provides for this secret (sorted). */
  keys: string[];
  /** Keys that are new in an existing secret. */
  added: string[];
  /** Keys whose value differs from the stored one. */
  changed: string[];
  /** Keys already in the secret that the .env file does not mention (kept as they are). */
  kept: string[];
  /** Variable → key. */
  variables: Record<string, string>;
  baseVersionId?: string;
  arn?: string;
  versionId?: string;
  error?: { code: string; message: string; exitCode: number };
}

/** A plan item plus the content to write (kept out of {@link PlannedSecret} so it is never printed). */
export interface PlanStep {
  plan: PlannedSecret;
  /** The JSON text to store (sorted keys); absent for unchanged / error items. */
  readonly content?: string;
}

function sortedJson(obj: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]])));
}

/**
 * Compares the desired keys of each secret with what is stored: a missing secret is created,
 * an existing JSON object gets the .env keys merged in (other keys are kept), and a secret
 * whose stored keys already equal the .env values is left alone (no new version).
 */
export async function planMigration(
  client: SecretsManagerClient,
  assignments: readonly EnvAssignment[],
  values: Readonly<Record<string, string>>,
  endpoint?: string,
  /** Called as each secret's plan is known (for progress output). */
  onPlanned?: (plan: PlannedSecret) => void,
): Promise<PlanStep[]> {
  const bySecret = new Map<string, EnvAssignment[]>();
  for (const a of assignments) bySecret.set(a.secretId, [...(bySecret.get(a.secretId) ?? []), a]);
  const ids = [...bySecret.keys()].sort();
  return Promise.all(
    ids.map(async (secretId) => {
      const step = await planSecret(secretId);
      onPlanned?.(step.plan);
      return step;
    }),
  );

  async function planSecret(secretId: string): Promise<PlanStep> {
    {
      const items = bySecret.get(secretId) ?? [];
      const desired: Record<string, string> = {};
      const variables: Record<string, string> = {};
      for (const a of items) {
        desired[a.key] = values[a.envName] ?? '';
        variables[a.envName] = a.key;
      }
      const keys = Object.keys(desired).sort();
      const base: PlannedSecret = { secretId, action: 'create', keys, added: [], changed: [], kept: [], variables };
      let current;
      try {
        current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      } catch (err) {
        if (errorCode(err) === 'ResourceNotFoundException') return { plan: { ...base, action: 'create', added: keys }, content: sortedJson(desired) };
        const e = toCliError(err, { action: 'secretsmanager:GetSecretValue', secretId, endpoint });
        return { plan: { ...base, action: 'error', error: { code: e.code ?? e.name, message: e.message, exitCode: e.exitCode } } };
      }
      const parsed = current.SecretString === undefined ? { ok: false as const } : parseJsonSafely(current.SecretString);
      if (!parsed.ok || !isJsonObject(parsed.value)) {
        return {
          plan: {
            ...base,
            action: 'error',
            error: {
              code: 'SecretNotJson',
              message: `Secret "${secretId}" exists but does not hold a JSON object; migrate-env will not overwrite it. Map its variables elsewhere with --map or use another --prefix.`,
              exitCode: 5,
            },
          },
        };
      }
      const stored = parsed.value;
      const added = keys.filter((k) => !(k in stored));
      const changed = keys.filter((k) => k in stored && stored[k] !== desired[k]);
      const kept = Object.keys(stored).filter((k) => !(k in desired)).sort();
      const plan = { ...base, added, changed, kept, arn: current.ARN, baseVersionId: current.VersionId };
      if (added.length === 0 && changed.length === 0) return { plan: { ...plan, action: 'unchanged', versionId: current.VersionId } };
      return { plan: { ...plan, action: 'update' }, content: sortedJson({ ...stored, ...desired }) };
    }
  }
}

/** What {@link applyStep} needs of a planned secret (`migrate-env` and `migrate-table` plans). */
export interface WritablePlan {
  secretId: string;
  action: 'create' | 'update' | 'unchanged' | 'error';
  baseVersionId?: string;
  arn?: string;
  versionId?: string;
  error?: { code: string; message: string; exitCode: number };
}

/**
 * Applies one step. Creates use a ClientRequestToken derived from (secret id, content) and
 * updates one derived from (secret id, base version, content), so a retry, or a rerun after an
 * interruption, never creates a second version; updates only land if AWSCURRENT is still the
 * version the plan read. `what` names the change in a conflict message.
 */
export async function applyStep<P extends WritablePlan>(client: SecretsManagerClient, step: { plan: P; readonly content?: string }, endpoint?: string, what = 'the migration'): Promise<P> {
  const { plan, content } = step;
  if (content === undefined || (plan.action !== 'create' && plan.action !== 'update')) return plan;
  try {
    if (plan.action === 'create') {
      const out = await client
        .send(new CreateSecretCommand({ Name: plan.secretId, SecretString: content, ClientRequestToken: requestToken(plan.secretId, undefined, content) }))
        .catch((err: unknown) => {
          throw toCliError(err, { action: 'secretsmanager:CreateSecret', secretId: plan.secretId, endpoint });
        });
      return { ...plan, arn: out.ARN, versionId: out.VersionId };
    }
    const versionId = await putIfCurrent(client, { secretId: plan.secretId, arn: plan.arn, baseVersionId: plan.baseVersionId as string, content, endpoint, what });
    return { ...plan, versionId };
  } catch (err) {
    const e = err instanceof CliError ? err : toCliError(err, { action: 'secretsmanager:PutSecretValue', secretId: plan.secretId, endpoint });
    return { ...plan, action: 'error', error: { code: e.code ?? e.name, message: e.message, exitCode: e.exitCode } };
  }
}
