import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, RestoreSecretCommand } from '@aws-sdk/client-secrets-manager';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext } from '../lib/command-context.js';
import { confirm, readAll } from '../lib/confirm.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { generateValue, parseGenerateAssignments, parseGeneratorSpec } from '../lib/generate.js';
import { updateJsonKey } from '../lib/guarded-update.js';
import { iso, printJson, println } from '../lib/output.js';
import { requestToken } from '../lib/request-token.js';
import { jsonObjectFromFileText } from '../lib/secret-json.js';

const GENERATE_HELP = `
Generators (--generate key=spec):
  password[:n]   n characters (default 32, minimum 24): letters, digits and !*+-=^_~,
                 without ambiguous characters (0 O 1 l I |) or quotes, slashes, @, spaces
  alnum[:n]      n letters and digits, no ambiguous characters (default 32, minimum 24)
  hex[:n]        n random bytes as hex (default 32 bytes = 64 digits)
  base64[:n]     n random bytes as base64 (default 32)
  base64url[:n]  n random bytes as base64url without padding; key[:n] and keyN are aliases
  uuid           a random UUID v4
Values come from node:crypto's CSPRNG and are never printed (read them with get-value --reveal).
`;

async function readJsonFile(ctx: CommandContext, path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(resolve(ctx.cwd(), path), 'utf8');
  } catch (e) {
    throw new UsageError(`Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}. Pass an existing JSON file to --from-json.`, { cause: e });
  }
  return jsonObjectFromFileText(path, text);
}

function parseTags(pairs: readonly string[] | undefined): { Key: string; Value: string }[] | undefined {
  if (!pairs?.length) return undefined;
  return pairs.map((p) => {
    const i = p.indexOf('=');
    if (i <= 0) throw new UsageError(`--tag expects key=value, got "${p}"`);
    return { Key: p.slice(0, i), Value: p.slice(i + 1) };
  });
}

function recoveryDays(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 7 || n > 30) throw new InvalidArgumentError('must be a whole number of days from 7 to 30');
  return n;
}

/** `keyturn secrets create <id>` */
export function registerSecretsCreate(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('create')
    .description('Create a JSON secret from a file and/or generated values')
    .argument('<id>', 'secret name (letters, digits and /_+=.@-)')
    .option('--from-json <file>', 'JSON object file with the initial keys')
    .option('--generate <key=spec...>', 'generate a key\'s value (see Generators)')
    .option('--description <text>', 'secret description')
    .option('--kms-key-id <key>', 'customer managed KMS key (id, alias or ARN)')
    .option('--tag <key=value...>', 'tags')
    .addHelpText('after', GENERATE_HELP)
    .addHelpText(
      'after',
      '\nExamples:\n  $ keyturn secrets create app/prod/jwt --generate signingKey=key32\n  $ keyturn secrets create app/prod/db --from-json db.json --generate password=password:32\n  $ keyturn secrets create app/prod/api --generate token=hex:32 id=uuid --tag team=payments\n',
    )
    .action(
      async (
        id: string,
        opts: { fromJson?: string; generate?: string[]; description?: string; kmsKeyId?: string; tag?: string[] },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        if (!opts.fromJson && !opts.generate?.length) {
          throw new UsageError('Nothing to store: pass --from-json <file> and/or --generate key=spec.');
        }
        const gens = parseGenerateAssignments(opts.generate ?? []);
        const tags = parseTags(opts.tag);
        const base = opts.fromJson ? await readJsonFile(ctx, opts.fromJson) : {};
        for (const { key } of gens) {
          if (key in base) throw new UsageError(`Key "${key}" is both in ${opts.fromJson} and in --generate; keep one.`);
        }
        const value: Record<string, unknown> = { ...base };
        for (const { key, spec } of gens) value[key] = generateValue(spec);
        const content = JSON.stringify(value);
        const client = await ctx.client(cmd);
        const out = await ctx.call({ action: 'secretsmanager:CreateSecret', secretId: id, endpoint: g.endpointUrl }, () =>
          client.send(
            new CreateSecretCommand({
              Name: id,
              SecretString: content,
              ClientRequestToken: requestToken(id, undefined, content),
              Description: opts.description,
              KmsKeyId: opts.kmsKeyId,
              Tags: tags,
            }),
          ),
        );
        const keys = Object.keys(value).sort();
        const generated = gens.map((x) => ({ key: x.key, spec: x.spec.source }));
        if (g.json) {
          printJson(ctx.io, { outcome: 'created', name: out.Name, arn: out.ARN, versionId: out.VersionId, keys, generated });
          return;
        }
        println(ctx.io, `Created ${out.Name} (${out.ARN})`);
        println(ctx.io, `  version ${out.VersionId} (AWSCURRENT)`);
        println(ctx.io, `  keys: ${keys.join(', ')}`);
        if (generated.length) println(ctx.io, `  generated: ${generated.map((x) => `${x.key} (${x.spec})`).join(', ')}; read with: keyturn secrets get-value ${id} <key> --reveal`);
      },
    );
}

/** `keyturn secrets update-value <id> <key> [value]` */
export function registerSecretsUpdateValue(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('update-value')
    .description('Set one key of a JSON secret (new version; refuses to overwrite a concurrent change)')
    .argument('<id>', 'secret name or ARN')
    .argument('<key>', 'JSON key to set (added if missing)')
    .argument('[value]', 'new value (prefer --stdin or --generate: arguments end up in shell history)')
    .option('--generate <spec>', 'generate the value (password, hex:32, key32, uuid, ...)')
    .option('--stdin', 'read the value from standard input (one trailing newline is dropped)')
    .addHelpText(
      'after',
      `
How lost updates are prevented: the current version V0 is read, the new JSON is written as a
new version carrying only a private label, and AWSCURRENT is then moved to it with
UpdateSecretVersionStage(RemoveFromVersionId=V0). If anybody changed the secret in between,
that move is refused: the private version is unlabelled again, nothing changes, exit code 5.

Examples:
  $ keyturn secrets update-value app/prod/smtp password --stdin < new-password.txt
  $ keyturn secrets update-value app/prod/db password --generate password:32
  $ keyturn secrets update-value app/prod/app featureFlag on
`,
    )
    .action(async (id: string, key: string, value: string | undefined, opts: { generate?: string; stdin?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const sources = [value !== undefined, opts.generate !== undefined, opts.stdin === true].filter(Boolean).length;
      if (sources !== 1) throw new UsageError('Give the new value in exactly one way: as an argument, with --generate <spec>, or with --stdin.');
      let newValue: string;
      if (opts.generate !== undefined) newValue = generateValue(parseGeneratorSpec(opts.generate));
      else if (opts.stdin) {
        if (!ctx.io.stdin) throw new UsageError('--stdin: no standard input available');
        newValue = (await readAll(ctx.io.stdin)).replace(/\r?\n$/, '');
      } else newValue = value as string;
      const client = await ctx.client(cmd);
      const r = await updateJsonKey(client, id, key, newValue, g.endpointUrl);
      if (g.json) {
        printJson(ctx.io, { ...r, generated: opts.generate !== undefined });
        return;
      }
      if (r.outcome === 'unchanged') println(ctx.io, `Unchanged: ${id} key "${key}" already has that value (version ${r.versionId}).`);
      else println(ctx.io, `Updated ${id} key "${key}"${r.added ? ' (added)' : ''}: version ${r.versionId} is AWSCURRENT, ${r.previousVersionId} is AWSPREVIOUS.`);
    });
}

/** `keyturn secrets delete <id>` */
export function registerSecretsDelete(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('delete')
    .description('Schedule a secret for deletion (recoverable), or delete it at once with --force')
    .argument('<id>', 'secret name or ARN')
    .option('--recovery-days <n>', 'recovery window, 7 to 30 days (default 30)', recoveryDays)
    .option('--force', 'delete immediately and permanently, without a recovery window')
    .option('--yes', 'do not ask for confirmation (required for --force without a terminal)')
    .addHelpText('after', '\nExamples:\n  $ keyturn secrets delete app/old/api --recovery-days 7\n  $ keyturn secrets delete app/tmp/test --force --yes\n')
    .action(async (id: string, opts: { recoveryDays?: number; force?: boolean; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      if (opts.force && opts.recoveryDays !== undefined) throw new UsageError('Use either --recovery-days or --force, not both.');
      if (opts.force && !(await confirm(ctx.io, `Permanently delete ${id}? This cannot be undone.`, opts.yes))) {
        println(ctx.io, 'Not deleted.');
        return;
      }
      const client = await ctx.client(cmd);
      const out = await ctx.call({ action: 'secretsmanager:DeleteSecret', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(
          new DeleteSecretCommand(opts.force ? { SecretId: id, ForceDeleteWithoutRecovery: true } : { SecretId: id, RecoveryWindowInDays: opts.recoveryDays ?? 30 }),
        ),
      );
      const result = { outcome: opts.force ? 'deleted' : 'scheduled', name: out.Name ?? id, arn: out.ARN, deletionDate: iso(out.DeletionDate) };
      if (g.json) printJson(ctx.io, result);
      else if (opts.force) println(ctx.io, `Deleted ${result.name} permanently.`);
      else println(ctx.io, `Scheduled ${result.name} for deletion on ${result.deletionDate ?? '(unknown)'}; undo with: keyturn secrets restore ${id}`);
    });
}

/** `keyturn secrets restore <id>` */
export function registerSecretsRestore(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('restore')
    .description('Cancel a scheduled deletion')
    .argument('<id>', 'secret name or ARN')
    .addHelpText('after', '\nExample:\n  $ keyturn secrets restore app/old/api\n')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const client = await ctx.client(cmd);
      const out = await ctx.call({ action: 'secretsmanager:RestoreSecret', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(new RestoreSecretCommand({ SecretId: id })),
      );
      if (g.json) printJson(ctx.io, { outcome: 'restored', name: out.Name ?? id, arn: out.ARN });
      else println(ctx.io, `Restored ${out.Name ?? id}.`);
    });
}
