import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  paginateListSecrets,
  type Filter,
  type SecretListEntry,
} from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import type { CommandContext } from '../lib/command-context.js';
import { CliError } from '../lib/errors/cli-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { iso, mask, plural, printJson, println, renderTable } from '../lib/output.js';
import { fieldText, isJsonObject, parseJsonSafely, secretJsonObject } from '../lib/secret-json.js';

function stagesOf(entry: SecretListEntry): string[] {
  return Object.values(entry.SecretVersionsToStages ?? {}).flat();
}

/** `keyturn secrets list` */
export function registerSecretsList(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('list')
    .description('List secrets (names, rotation, last change); never values')
    .option('--prefix <prefix>', 'only names starting with this prefix (case-sensitive)')
    .option('--include-deleted', 'include secrets scheduled for deletion')
    .addHelpText('after', '\nExamples:\n  $ keyturn secrets list --prefix app/prod/\n  $ keyturn secrets list --json | jq -r \'.secrets[].name\'\n')
    .action(async (opts: { prefix?: string; includeDeleted?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const client = await ctx.client(cmd);
      const filters: Filter[] | undefined = opts.prefix ? [{ Key: 'name', Values: [opts.prefix] }] : undefined;
      const entries: SecretListEntry[] = [];
      await ctx.call({ action: 'secretsmanager:ListSecrets', endpoint: g.endpointUrl }, async () => {
        for await (const page of paginateListSecrets({ client }, { Filters: filters, IncludePlannedDeletion: opts.includeDeleted ?? false, SortOrder: 'asc' })) {
          entries.push(...(page.SecretList ?? []));
        }
      });
      // ListSecrets' name filter is a prefix match on AWS; keep the guarantee on any endpoint.
      const shown = entries
        .filter((e) => !opts.prefix || (e.Name ?? '').startsWith(opts.prefix))
        .sort((a, b) => (a.Name ?? '').localeCompare(b.Name ?? ''));
      if (g.json) {
        printJson(ctx.io, {
          secrets: shown.map((e) => ({
            name: e.Name,
            arn: e.ARN,
            description: e.Description,
            rotationEnabled: e.RotationEnabled ?? false,
            lastChangedDate: iso(e.LastChangedDate),
            lastRotatedDate: iso(e.LastRotatedDate),
            nextRotationDate: iso(e.NextRotationDate),
            deletedDate: iso(e.DeletedDate),
            stages: stagesOf(e).sort(),
            tags: Object.fromEntries((e.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
          })),
        });
        return;
      }
      if (shown.length === 0) {
        println(ctx.io, opts.prefix ? `No secrets with prefix "${opts.prefix}".` : 'No secrets.');
        return;
      }
      ctx.io.stdout.write(
        renderTable(
          ['name', 'rotation', 'last changed', 'next rotation', 'deletion'],
          shown.map((e) => [
            e.Name,
            e.RotationEnabled ? 'enabled' : '-',
            iso(e.LastChangedDate) ?? '-',
            iso(e.NextRotationDate) ?? '-',
            e.DeletedDate ? `scheduled (${iso(e.DeletedDate)})` : '-',
          ]),
        ),
      );
    });
}

/** `keyturn secrets get <id>` */
export function registerSecretsGet(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('get')
    .description('Show a secret\'s metadata and versions with their staging labels (never the value)')
    .argument('<id>', 'secret name or ARN')
    .addHelpText('after', '\nExamples:\n  $ keyturn secrets get app/prod/database\n  $ keyturn secrets get app/prod/database --json | jq .versions\n')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const client = await ctx.client(cmd);
      const d = await ctx.call({ action: 'secretsmanager:DescribeSecret', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(new DescribeSecretCommand({ SecretId: id })),
      );
      const v = await ctx.call({ action: 'secretsmanager:ListSecretVersionIds', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: false })),
      );
      const labelled = d.VersionIdsToStages ?? {};
      const versions = (v.Versions ?? [])
        .map((x) => ({ versionId: x.VersionId ?? '', stages: [...(x.VersionStages ?? labelled[x.VersionId ?? ''] ?? [])].sort(), createdDate: iso(x.CreatedDate) }))
        .sort((a, b) => (b.createdDate ?? '').localeCompare(a.createdDate ?? '') || a.versionId.localeCompare(b.versionId));
      const info = {
        name: d.Name,
        arn: d.ARN,
        description: d.Description,
        kmsKeyId: d.KmsKeyId,
        createdDate: iso(d.CreatedDate),
        lastChangedDate: iso(d.LastChangedDate),
        lastAccessedDate: iso(d.LastAccessedDate),
        rotationEnabled: d.RotationEnabled ?? false,
        rotationLambdaArn: d.RotationLambdaARN,
        rotationRules: d.RotationRules
          ? { automaticallyAfterDays: d.RotationRules.AutomaticallyAfterDays, scheduleExpression: d.RotationRules.ScheduleExpression, duration: d.RotationRules.Duration }
          : undefined,
        lastRotatedDate: iso(d.LastRotatedDate),
        nextRotationDate: iso(d.NextRotationDate),
        deletedDate: iso(d.DeletedDate),
        tags: Object.fromEntries((d.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        versions,
      };
      if (g.json) {
        printJson(ctx.io, info);
        return;
      }
      const rows: [string, string | undefined][] = [
        ['name', info.name],
        ['arn', info.arn],
        ['description', info.description],
        ['kms key', info.kmsKeyId ?? '(aws/secretsmanager)'],
        ['created', info.createdDate],
        ['last changed', info.lastChangedDate],
        ['rotation', info.rotationEnabled ? `enabled (${info.rotationLambdaArn ?? 'no function'})` : 'not enabled'],
        ['rotation rules', d.RotationRules ? (d.RotationRules.ScheduleExpression ?? `every ${plural(d.RotationRules.AutomaticallyAfterDays ?? 0, 'day')}`) + (d.RotationRules.Duration ? `, window ${d.RotationRules.Duration}` : '') : undefined],
        ['last rotated', info.lastRotatedDate],
        ['next rotation', info.nextRotationDate],
        ['deletion', info.deletedDate ? `scheduled (deleted date ${info.deletedDate}); undo with keyturn secrets restore ${id}` : undefined],
        ['tags', Object.entries(info.tags).map(([k, val]) => `${k}=${val}`).join(', ') || undefined],
      ];
      for (const [k, val] of rows) if (val !== undefined && val !== '') println(ctx.io, `${(k + ':').padEnd(16)}${val}`);
      println(ctx.io);
      ctx.io.stdout.write(renderTable(['version', 'stages', 'created'], versions.map((x) => [x.versionId, x.stages.join(', '), x.createdDate ?? ''])));
    });
}

/** `keyturn secrets get-value <id> [key]` */
export function registerSecretsGetValue(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('get-value')
    .description('Show a secret\'s value (or one JSON key): masked unless --reveal')
    .argument('<id>', 'secret name or ARN')
    .argument('[key]', 'a key of the JSON object stored in the secret')
    .option('--reveal', 'print the value itself (it ends up in your terminal scrollback and shell logs)')
    .option('--version-stage <stage>', 'read this staging label (AWSPREVIOUS, AWSPENDING, ...)')
    .option('--version-id <id>', 'read this version')
    .addHelpText(
      'after',
      '\nExamples:\n  $ keyturn secrets get-value app/prod/stripe              # keys with masked values\n  $ keyturn secrets get-value app/prod/stripe secretKey --reveal\n  $ keyturn secrets get-value app/prod/db password --version-stage AWSPREVIOUS\n',
    )
    .action(async (id: string, key: string | undefined, opts: { reveal?: boolean; versionStage?: string; versionId?: string }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const client = await ctx.client(cmd);
      const r = await ctx.call({ action: 'secretsmanager:GetSecretValue', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(new GetSecretValueCommand({ SecretId: id, VersionStage: opts.versionStage, VersionId: opts.versionId })),
      );
      const meta = { secretId: r.Name ?? id, arn: r.ARN, versionId: r.VersionId, versionStages: r.VersionStages ?? [] };
      const raw: string | Uint8Array = r.SecretString ?? r.SecretBinary ?? '';
      if (key !== undefined) {
        const obj = secretJsonObject(id, r.SecretString);
        if (!(key in obj)) {
          throw new CliError(
            `Secret "${id}" has no key "${key}". Its keys: ${Object.keys(obj).sort().join(', ') || '(none)'}.`,
            ExitCode.NotFound,
            { code: 'SecretKeyMissing' },
          );
        }
        const text = fieldText(obj[key]);
        if (g.json) printJson(ctx.io, { ...meta, key, length: [...text].length, ...(opts.reveal ? { value: obj[key] } : { masked: mask(text) }) });
        else if (opts.reveal) ctx.io.stdout.write(text + '\n');
        else println(ctx.io, `${key}  ${mask(text)}`);
        return;
      }
      if (opts.reveal) {
        const text = typeof raw === 'string' ? raw : Buffer.from(raw).toString('base64');
        if (g.json) printJson(ctx.io, { ...meta, kind: typeof raw === 'string' ? 'string' : 'binary', value: text });
        else ctx.io.stdout.write(text + '\n');
        return;
      }
      const parsed = typeof raw === 'string' ? parseJsonSafely(raw) : { ok: false as const };
      if (parsed.ok && isJsonObject(parsed.value)) {
        const keys = Object.keys(parsed.value).sort();
        const masked = Object.fromEntries(keys.map((k) => [k, mask(fieldText((parsed.value as Record<string, unknown>)[k]))]));
        if (g.json) {
          printJson(ctx.io, { ...meta, kind: 'json', keys: masked });
          return;
        }
        println(ctx.io, `${meta.secretId}  version ${meta.versionId} (${meta.versionStages.join(', ')})`);
        ctx.io.stdout.write(renderTable(['key', 'value'], keys.map((k) => [k, masked[k]])));
        println(ctx.io, 'Values are masked; add --reveal to print them.');
        return;
      }
      if (g.json) {
        printJson(ctx.io, { ...meta, kind: typeof raw === 'string' ? 'string' : 'binary', masked: mask(raw) });
        return;
      }
      println(ctx.io, `${meta.secretId}  version ${meta.versionId} (${meta.versionStages.join(', ')})`);
      println(ctx.io, `value  ${mask(raw)}  (add --reveal to print it)`);
    });
}
