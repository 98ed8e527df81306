import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { resolveRegion } from '../lib/aws-client.js';
import type { CommandContext } from '../lib/command-context.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { buildIamPolicies } from '../lib/iam-policy.js';
import { parseJsonSafely } from '../lib/secret-json.js';

/**
 * Secret ids from `--secrets`: a comma-separated list, or a file holding a JSON array, a
 * doctor config (`{"secrets": [{"id": ...}]}`), a migrate-env mapping file, or one id per line.
 */
export async function readSecretIds(ctx: CommandContext, value: string): Promise<string[]> {
  const path = resolve(ctx.cwd(), value);
  if (!existsSync(path)) return value.split(',').map((s) => s.trim()).filter(Boolean);
  const text = await readFile(path, 'utf8');
  const parsed = parseJsonSafely(text);
  if (!parsed.ok) {
    if (/^\s*[[{]/.test(text)) throw new UsageError(`${value} is not valid JSON${parsed.position !== undefined ? ` (parse error at character ${parsed.position})` : ''}.`);
    return text.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).filter(Boolean);
  }
  const v = parsed.value;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  if (typeof v === 'object' && v !== null && Array.isArray((v as { secrets?: unknown }).secrets)) {
    return ((v as { secrets: unknown[] }).secrets).map((s) => (typeof s === 'string' ? s : String((s as { id?: unknown }).id ?? '')));
  }
  if (typeof v === 'object' && v !== null) {
    const ids = Object.values(v as Record<string, unknown>).map((e) => (e as { secretId?: unknown })?.secretId);
    if (ids.length > 0 && ids.every((x) => typeof x === 'string')) return [...new Set(ids as string[])];
  }
  throw new UsageError(`${value}: expected a JSON array of ids, {"secrets": [{"id": ...}]}, a migrate-env mapping file, or one id per line.`);
}

/** `keyturn iam-policy` */
export function registerIamPolicy(program: Command, ctx: CommandContext): void {
  program
    .command('iam-policy')
    .description('Print a least-privilege IAM policy (JSON) for an app reading the given secrets')
    .requiredOption('--secrets <ids|file>', 'comma-separated names/ARNs (prefix* allowed), or a file listing them')
    .option('--rotation', 'also print the rotation function\'s policy')
    .option('--kms-key <arn>', 'customer managed KMS key encrypting the secrets')
    .option('--account <id>', '12-digit AWS account id (needed unless full ARNs are given)')
    .option('--partition <name>', 'AWS partition', 'aws')
    .option('--replica-regions <regions>', 'comma-separated replica regions the app fails over to (read and decrypt statements per region)')
    .option('--replica-kms-key <region=arn...>', 'KMS key of a replica region (repeatable; not needed for a multi-region key)')
    .option('--watcher', 'the app runs the fleet watcher (invalidation.watcher): adds secretsmanager:ListSecrets')
    .addHelpText(
      'after',
      `
Output: the application's policy document; with --rotation an object
{"application": <policy>, "rotation": <policy>}. Secret names become
arn:aws:secretsmanager:<region>:<account>:secret:<name>-?????? (the 6-character suffix AWS adds).

Examples:
  $ keyturn iam-policy --secrets app/prod/db,app/prod/stripe --region eu-west-1 --account 123456789012
  $ keyturn iam-policy --secrets keyturn.map.json --rotation --kms-key arn:aws:kms:eu-west-1:123456789012:key/abcd --region eu-west-1 --account 123456789012 | jq .rotation
  $ keyturn iam-policy --secrets 'tenants/*' --region eu-west-1 --account 123456789012 > policy.json
  $ keyturn iam-policy --secrets app/prod/db --region eu-west-1 --account 123456789012 --replica-regions eu-central-1 --watcher
`,
    )
    .action(async (opts: { secrets: string; rotation?: boolean; kmsKey?: string; account?: string; partition: string; replicaRegions?: string; replicaKmsKey?: string[]; watcher?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const ids = await readSecretIds(ctx, opts.secrets);
      const env = ctx.io.env ?? process.env;
      const policies = buildIamPolicies({
        secrets: ids,
        region: resolveRegion(g, ctx.io),
        account: opts.account ?? env.AWS_ACCOUNT_ID,
        kmsKeyArn: opts.kmsKey,
        rotation: opts.rotation,
        partition: opts.partition,
        replicaRegions: opts.replicaRegions?.split(',').map((r) => r.trim()).filter(Boolean),
        replicaKmsKeys: parseRegionKeys(opts.replicaKmsKey ?? []),
        watcher: opts.watcher,
      });
      const doc = opts.rotation ? policies : policies.application;
      ctx.io.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    });
}

/** `region=arn` pairs of `--replica-kms-key`. */
function parseRegionKeys(pairs: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--replica-kms-key must be <region>=<key ARN>, e.g. us-west-2=arn:aws:kms:us-west-2:123456789012:key/abcd (got "${pair}").`);
    keys[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return keys;
}
