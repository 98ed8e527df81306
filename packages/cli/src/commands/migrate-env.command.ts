import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parse } from 'dotenv';
import type { CommandContext } from '../lib/command-context.js';
import { confirm } from '../lib/confirm.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { groupEnvVariables, normalisePrefix, parseMapOverrides, toVariableMapping, type GroupBy } from '../lib/env-grouping.js';
import { applyStep, planMigration, type PlannedSecret } from '../lib/env-migration.js';
import { DEFAULT_EXCLUDES, filterEnvVariables, globToRegExp, type KeptOutReason } from '../lib/env-filter.js';
import { ExitCode } from '../lib/exit-codes.js';
import { plural, printJson, println, renderTable } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { parseJsonSafely } from '../lib/secret-json.js';

interface MigrateOptions {
  prefix: string;
  groupBy: GroupBy;
  map?: string;
  dryRun?: boolean;
  yes?: boolean;
  mappingFile: string;
  concurrency: number;
  include?: string[];
  exclude?: string[];
  defaultExcludes: boolean;
}

/** `--concurrency`: a whole number from 1 to 16 (bad values are an error, not silently 4). */
function concurrency(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < 1 || n > 16) {
    throw new InvalidArgumentError(`--concurrency takes a whole number from 1 to 16 (parallel writes), e.g. --concurrency 4`);
  }
  return n;
}

/** Checks each glob at parse time so a bad pattern is a usage error before anything is read. */
function pattern(flag: string) {
  return (value: string, previous: string[] | undefined): string[] => {
    try {
      globToRegExp(flag, value);
    } catch (e) {
      throw new InvalidArgumentError((e as Error).message);
    }
    return [...(previous ?? []), value];
  };
}

const REASON_TEXT: Record<Exclude<KeptOutReason, 'map'>, string> = {
  default: 'not secrets by default',
  empty: 'empty',
  excluded: '--exclude',
  'not-included': 'not matched by --include',
};

const PAST: Record<PlannedSecret['action'], string> = { create: 'created', update: 'updated', unchanged: 'unchanged', error: 'failed' };

function keySummary(p: PlannedSecret): string {
  const marks = [p.added.length && p.action === 'update' ? `+${p.added.length} new` : '', p.changed.length ? `~${p.changed.length} changed` : '', p.kept.length ? `${p.kept.length} kept` : '']
    .filter(Boolean)
    .join(', ');
  const list = p.keys.length > 6 ? `${p.keys.slice(0, 6).join(', ')}, … (${p.keys.length})` : p.keys.join(', ');
  return marks ? `${list} (${marks})` : list;
}

/** `keyturn migrate-env <file>` */
export function registerMigrateEnv(program: Command, ctx: CommandContext): void {
  program
    .command('migrate-env')
    .description('Move the variables of a .env file into JSON secrets (plan, then create/update; values are never printed)')
    .argument('<file>', '.env file (dotenv syntax: comments, quotes, multi-line values, export prefixes)')
    .requiredOption('--prefix <prefix>', 'secret name prefix, e.g. app/prod')
    .addOption(new Option('--group-by <mode>', 'how variables are grouped into secrets').choices(['prefix', 'service', 'none']).default('prefix'))
    .option('--map <file>', 'JSON file assigning variables explicitly (see below); null skips a variable')
    .option('--dry-run', 'show the plan and change nothing')
    .option('--yes', 'apply without asking')
    .option('--mapping-file <file>', 'where to write the variable mapping for EnvSource/DotenvSource', 'keyturn.env-map.json')
    .option('--include <pattern...>', "only variables matching these glob patterns (* and ?), e.g. 'STRIPE_*'; also brings back default exclusions and empty values it matches", pattern('--include'))
    .option('--exclude <pattern...>', "never migrate variables matching these glob patterns, e.g. 'SENTRY_*' (wins over --include)", pattern('--exclude'))
    .option('--no-default-excludes', 'also migrate the variables kept out by default (see below) and empty values')
    .addOption(new Option('--concurrency <n>', 'parallel writes, 1 to 16').argParser(concurrency).default(4).hideHelp())
    .addHelpText(
      'after',
      `
Kept out by default (not secrets; use --include to bring one back, --no-default-excludes for all):
  ${DEFAULT_EXCLUDES.join(', ')}, and any variable with an empty value.
--include / --exclude take glob patterns on variable names (* any characters, ? one character,
case-sensitive); repeat the flag or list several patterns after it, and quote them for the shell.

Grouping (--group-by):
  prefix   (default) known services get one secret each: DATABASE_/DB_/POSTGRES_/PG* → <prefix>/database,
           REDIS_ → redis, STRIPE_ → stripe, SMTP_/MAIL_/EMAIL_ → smtp, JWT_ → jwt; any other first word
           shared by two or more variables (SENTRY_DSN, SENTRY_ENV) → <prefix>/sentry; the rest → <prefix>/app
  service  only the known services; everything else → <prefix>/app
  none     everything → <prefix>/app
Keys are lower camel case without the group's prefix (STRIPE_WEBHOOK_SECRET → webhookSecret; S3_BUCKET in
app → s3Bucket). Database, Redis and SMTP credentials use the names rotation functions expect: username,
password, host, port, dbname. Values are stored as strings.

Existing secrets: the file's keys are merged into the stored JSON (other keys are kept); a secret whose
keys already hold the file's values is left unchanged (no new version). Request tokens are derived
from the secret, its current version and the content, so re-running or retrying creates nothing new.

--map file: {"app/prod/payments": {"apiKey": "STRIPE_SECRET_KEY"}} (the mapping-file format) or
{"STRIPE_SECRET_KEY": {"secretId": "app/prod/payments", "key": "apiKey"}, "DEBUG": null}.

The mapping file written afterwards (secret id → {key: VARIABLE}) is the \`mapping\` option of
@keyturn/core's EnvSource and DotenvSource, for a local fallback with the same names.

Examples:
  $ keyturn migrate-env .env --prefix app/prod --dry-run
  $ keyturn migrate-env .env --prefix app/prod --yes --mapping-file config/secrets-map.json
  $ keyturn migrate-env .env.staging --prefix app/staging --group-by service --map overrides.json --yes --json
`,
    )
    .action(async (file: string, opts: MigrateOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      const prefix = normalisePrefix(opts.prefix);
      let text: Buffer;
      try {
        text = await readFile(resolve(ctx.cwd(), file));
      } catch (e) {
        throw new UsageError(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}. Pass the path of a .env file.`, { cause: e });
      }
      if (opts.mappingFile.trim() === '') throw new UsageError('--mapping-file needs a path, e.g. --mapping-file keyturn.env-map.json');
      const values = parse(text);
      const all = Object.keys(values);
      if (all.length === 0) throw new UsageError(`${file} defines no variables (expected NAME=value lines).`);
      const filtered = filterEnvVariables(values, { include: opts.include, exclude: opts.exclude, defaultExcludes: opts.defaultExcludes });
      const names = filtered.migrate;
      if (names.length === 0) {
        throw new UsageError(`No variable of ${file} is left to migrate (${plural(all.length, 'variable')}, all kept out by --include, --exclude or the default exclusions; see keyturn help migrate-env).`);
      }
      let overrides;
      if (opts.map) {
        let mapText: string;
        try {
          mapText = await readFile(resolve(ctx.cwd(), opts.map), 'utf8');
        } catch (e) {
          throw new UsageError(`Cannot read --map ${opts.map}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
        }
        const parsed = parseJsonSafely(mapText);
        if (!parsed.ok) throw new UsageError(`--map ${opts.map} is not valid JSON${parsed.position !== undefined ? ` (parse error at character ${parsed.position})` : ''}.`);
        overrides = parseMapOverrides(opts.map, parsed.value);
      }
      const assignments = groupEnvVariables(names, { prefix, groupBy: opts.groupBy, overrides });
      const keptOut: Record<string, KeptOutReason | 'map'> = { ...filtered.keptOut };
      for (const n of names) if (!assignments.some((a) => a.envName === n)) keptOut[n] = 'map';
      const skipped = Object.keys(keptOut).sort();
      const client = await ctx.client(cmd);
      const progress = new Progress(ctx.io, 'migrate-env', Boolean(g.json));
      const secretCount = new Set(assignments.map((a) => a.secretId)).size;
      progress.event(
        'planning',
        `Planning ${plural(secretCount, 'secret')} from ${file} (${plural(names.length, 'variable')}; ${skipped.length} kept out): reading what is stored...`,
        { secrets: secretCount, variables: names.length, keptOut: skipped.length },
      );
      let planned = 0;
      const steps = await planMigration(client, assignments, values, g.endpointUrl, (p) => {
        planned++;
        progress.event('planned', `Planned ${p.secretId}: ${p.action} (${plural(p.keys.length, 'key')}) [${planned}/${secretCount}]`, {
          secretId: p.secretId,
          action: p.action,
          keys: p.keys.length,
          done: planned,
          total: secretCount,
        });
      });
      const pending = steps.filter((s) => s.plan.action === 'create' || s.plan.action === 'update');
      const showPlan = (items: PlannedSecret[], past: boolean) =>
        ctx.io.stdout.write(renderTable(['secret', 'keys', past ? 'outcome' : 'action'], items.map((p) => [p.secretId, keySummary(p), past ? PAST[p.action] : p.action])));

      let results = steps.map((s) => s.plan);
      const applying = !opts.dryRun && pending.length > 0;
      if (applying && !g.json) {
        println(ctx.io, `Plan for ${file} → ${prefix}/* (${plural(names.length, 'variable')}, ${plural(steps.length, 'secret')}):`);
        showPlan(results, false);
      }
      if (applying && !(await confirm(ctx.io, `Apply ${plural(pending.length, 'change')} to Secrets Manager?`, opts.yes))) {
        println(ctx.io, 'Nothing changed.');
        return;
      }
      if (applying) {
        const bar =
          ctx.io.stderr.isTTY && !g.json
            ? new SingleBar({ stream: ctx.io.stderr as NodeJS.WritableStream, format: 'migrating {bar} {value}/{total} secrets', hideCursor: true, clearOnComplete: true })
            : undefined;
        bar?.start(pending.length, 0);
        const done = new Map<string, PlannedSecret>();
        let next = 0;
        const worker = async () => {
          while (next < pending.length) {
            const step = pending[next++];
            done.set(step.plan.secretId, await applyStep(client, step, g.endpointUrl));
            bar?.increment();
          }
        };
        try {
          await Promise.all(Array.from({ length: Math.min(opts.concurrency, pending.length) }, worker));
        } finally {
          bar?.stop();
        }
        results = results.map((p) => done.get(p.secretId) ?? p);
      }
      const failed = results.filter((p) => p.action === 'error');
      const mapping = toVariableMapping(assignments);
      let mappingFile: string | undefined;
      if (!opts.dryRun) {
        mappingFile = resolve(ctx.cwd(), opts.mappingFile);
        await writeFile(mappingFile, JSON.stringify(mapping, null, 2) + '\n');
      }
      const count = (a: PlannedSecret['action']) => results.filter((p) => p.action === a).length;
      const summary = { create: count('create'), update: count('update'), unchanged: count('unchanged'), error: failed.length };
      if (failed.length > 0) ctx.exitCode = failed.every((f) => f.error?.exitCode === failed[0].error?.exitCode) ? (failed[0].error?.exitCode as ExitCode) : ExitCode.Failed;
      if (g.json) {
        printJson(ctx.io, {
          file,
          prefix,
          groupBy: opts.groupBy,
          dryRun: Boolean(opts.dryRun),
          secrets: results.map((p) => ({ ...p, outcome: opts.dryRun ? undefined : PAST[p.action] })),
          skipped,
          keptOut,
          mappingFile,
          summary,
        });
        return;
      }
      if (opts.dryRun || !applying) {
        println(ctx.io, `${opts.dryRun ? 'Plan (dry run, nothing changed)' : 'Result'} for ${file} → ${prefix}/* (${plural(names.length, 'variable')}, ${plural(steps.length, 'secret')}):`);
        showPlan(results, !opts.dryRun);
      } else {
        println(ctx.io, 'Result:');
        showPlan(results, true);
      }
      for (const f of failed) ctx.io.stderr.write(`keyturn: ${f.error?.message}\n`);
      const byReason = (r: KeptOutReason | 'map') => skipped.filter((n) => keptOut[n] === r);
      const kept = (['default', 'empty', 'excluded', 'not-included'] as const)
        .filter((r) => byReason(r).length > 0)
        .map((r) => `${byReason(r).join(', ')} (${REASON_TEXT[r]})`);
      if (kept.length) println(ctx.io, `Kept out: ${kept.join('; ')}.${byReason('default').length || byReason('empty').length ? ' --include brings them back.' : ''}`);
      if (byReason('map').length) println(ctx.io, `Skipped by --map: ${byReason('map').join(', ')}`);
      const verb = opts.dryRun ? ['to create', 'to update'] : ['created', 'updated'];
      println(ctx.io, `${summary.create} ${verb[0]}, ${summary.update} ${verb[1]}, ${summary.unchanged} unchanged, ${summary.error} failed.`);
      if (mappingFile) println(ctx.io, `Variable mapping written to ${mappingFile} (use it as EnvSource/DotenvSource \`mapping\`).`);
    });
}
