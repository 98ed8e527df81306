import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { canonicalJson, compileNameTemplate, errorCode, parseColumnMapping, rowToSecretObject, type ColumnBinding, type TableRow } from '@keyturn/core';
import { toCliError } from './aws-errors.js';
import { UsageError } from './errors/usage-error.js';
import { ExitCode } from './exit-codes.js';
import { applyStep } from './env-migration.js';
import { isJsonObject, parseJsonSafely } from './secret-json.js';

/** One row of the query as the secret it becomes. The content stays out of anything printed. */
export interface TableRowSecret {
  /** 1-based position in the query result. */
  row: number;
  secretId: string;
  /** JSON key paths the row provides (sorted). */
  keyPaths: string[];
  readonly content: Record<string, unknown>;
}

/** What `migrate-table` will do (or did) with one secret. Key paths only, never values. */
export interface PlannedTableSecret {
  row: number;
  secretId: string;
  action: 'create' | 'update' | 'unchanged' | 'error';
  keyPaths: string[];
  /** Key paths new in an existing secret or whose value differs from the stored one. */
  changed: string[];
  /** Key paths already in the secret that the row does not provide (kept). */
  kept: string[];
  baseVersionId?: string;
  arn?: string;
  versionId?: string;
  error?: { code: string; message: string; exitCode: number };
}

/** A plan item plus the JSON text to write (absent for unchanged and failed items). */
export interface TablePlanStep {
  plan: PlannedTableSecret;
  readonly content?: string;
}

/**
 * Turns the query's rows into secrets through the name template and the column mapping.
 * @throws UsageError listing the rows that cannot become a secret (row, secret, key, column; no value), before anything is written
 */
export function rowsToSecrets(rows: readonly TableRow[], template: string, columns: string): TableRowSecret[] {
  let bindings: ColumnBinding[];
  let name;
  try {
    bindings = parseColumnMapping(columns);
    name = compileNameTemplate(template);
  } catch (err) {
    throw new UsageError(`${(err as Error).message}.${(err as { hint?: string }).hint ? ` Hint: ${(err as { hint?: string }).hint}.` : ''}`, { cause: err });
  }
  const problems: string[] = [];
  const byId = new Map<string, number>();
  const out: TableRowSecret[] = [];
  rows.forEach((r, i) => {
    const label = `row ${i + 1}`;
    try {
      const secretId = name.render(r, label);
      const first = byId.get(secretId);
      if (first !== undefined) {
        problems.push(`${label}: secret ${secretId} is also the name of row ${first} (make the name template's columns unique)`);
        return;
      }
      byId.set(secretId, i + 1);
      const content = rowToSecretObject(r, bindings, `${label} (secret ${secretId})`);
      out.push({ row: i + 1, secretId, keyPaths: bindings.map((b) => b.path.join('.')).sort(), content });
    } catch (err) {
      problems.push((err as Error).message);
    }
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).map((p) => `  ${p}`).join('\n');
    throw new UsageError(`${problems.length === 1 ? '1 row cannot become a secret' : `${problems.length} rows cannot become secrets`}; nothing was written:\n${shown}${problems.length > 10 ? `\n  … and ${problems.length - 10} more` : ''}`);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `desired` merged into `stored`: objects merge key by key, everything else is replaced. */
function deepMerge(stored: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stored };
  for (const [k, v] of Object.entries(desired)) out[k] = isObject(v) && isObject(stored[k]) ? deepMerge(stored[k] as Record<string, unknown>, v) : v;
  return out;
}

function leafPaths(obj: unknown, prefix = ''): string[] {
  if (!isObject(obj) || (prefix !== '' && Object.keys(obj).length === 0)) return [prefix];
  return Object.keys(obj).flatMap((k) => leafPaths(obj[k], prefix ? `${prefix}.${k}` : k));
}

function at(obj: unknown, path: string): unknown {
  let node = obj;
  for (const s of path.split('.')) node = isObject(node) ? node[s] : undefined;
  return node;
}

/**
 * Plans one row's secret against what is stored: created when missing; unchanged when every key
 * path already holds the row's value (so a rerun writes nothing); otherwise updated with the row
 * merged into the stored JSON (keys the row does not provide, e.g. ones a rotation added, are kept).
 */
export async function planTableSecret(client: SecretsManagerClient, item: TableRowSecret, endpoint?: string): Promise<TablePlanStep> {
  const { row, secretId, keyPaths, content } = item;
  const base: PlannedTableSecret = { row, secretId, action: 'create', keyPaths, changed: [], kept: [] };
  let current;
  try {
    current = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  } catch (err) {
    if (errorCode(err) === 'ResourceNotFoundException') return { plan: { ...base, changed: keyPaths }, content: canonicalJson(content) };
    const e = toCliError(err, { action: 'secretsmanager:GetSecretValue', secretId, endpoint });
    return { plan: { ...base, action: 'error', error: { code: e.code ?? e.name, message: e.message, exitCode: e.exitCode } } };
  }
  const parsed = current.SecretString === undefined ? { ok: false as const } : parseJsonSafely(current.SecretString);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    const message = `Secret "${secretId}" (row ${row}) exists but does not hold a JSON object; migrate-table will not overwrite it. Delete it or choose another name template.`;
    return { plan: { ...base, action: 'error', error: { code: 'SecretNotJson', message, exitCode: ExitCode.Conflict } } };
  }
  const stored = parsed.value;
  const leaves = leafPaths(content);
  const changed = leaves.filter((p) => canonicalJson(at(stored, p)) !== canonicalJson(at(content, p)) || at(stored, p) === undefined).sort();
  const kept = leafPaths(stored).filter((p) => !leaves.includes(p)).sort();
  const plan = { ...base, changed, kept, arn: current.ARN, baseVersionId: current.VersionId };
  if (changed.length === 0) return { plan: { ...plan, action: 'unchanged', versionId: current.VersionId } };
  return { plan: { ...plan, action: 'update' }, content: canonicalJson(deepMerge(stored, content)) };
}

/**
 * Writes one planned secret through the migrations' shared {@link applyStep}: request tokens derived
 * from (secret, base version, content), so a write repeated after an interruption is the same
 * request to Secrets Manager, which creates no second version.
 */
export function applyTableStep(client: SecretsManagerClient, step: TablePlanStep, endpoint?: string): Promise<PlannedTableSecret> {
  return applyStep(client, step, endpoint, `row ${step.plan.row}`);
}

/** Runs `fn` over `items` with at most `limit` in flight, calling `done` after each. */
export async function forEachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, done?: (result: R) => void): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
      done?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The fixed part of a name template (`app/clients/` of `app/clients/{slug}`), for IAM resources. */
export function templatePrefix(template: string): string {
  const i = template.indexOf('{');
  return i < 0 ? template : template.slice(0, i);
}

/**
 * The IAM policy `migrate-table` needs for secrets named by `template`: read to compare, create for
 * new secrets, put and move AWSCURRENT for updates, describe to explain a concurrent change. Each
 * resource ends in `*` because a template covers many secrets (AWS adds `-??????` to each ARN).
 */
export function migrateTablePolicy(template: string, opts: { region?: string; account?: string; partition?: string }) {
  const resource = `arn:${opts.partition ?? 'aws'}:secretsmanager:${opts.region ?? '<region>'}:${opts.account ?? '<account-id>'}:secret:${templatePrefix(template)}*`;
  return {
    Version: '2012-10-17' as const,
    Statement: [
      {
        Sid: 'MigrateTableRows',
        Effect: 'Allow' as const,
        Action: ['secretsmanager:CreateSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Resource: resource,
      },
    ],
  };
}
