import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TableRow } from '@keyturn/core';
import { SingleBar } from 'cli-progress';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../lib/command-context.js';
import { confirm } from '../lib/confirm.js';
import { CliError } from '../lib/errors/cli-error.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { plural, printJson, println, renderTable } from '../lib/output.js';
import { applyTableStep, forEachLimited, migrateTablePolicy, planTableSecret, rowsToSecrets, type PlannedTableSecret } from '../lib/table-migration.js';
import { loadPg } from '@keyturn/core/connections';

interface MigrateTableOptions {
  query?: string;
  queryFile?: string;
  name: string;
  columns: string;
  databaseUrl?: string;
  databaseUrlEnv: string;
  dryRun?: boolean;
  yes?: boolean;
  account?: string;
  concurrency: number;
}

const PAST: Record<PlannedTableSecret['action'], string> = { create: 'created', update: 'updated', unchanged: 'unchanged', error: 'failed' };

interface PgClientLike {
  connect(): Promise<unknown>;
  query(text: string): Promise<{ rows: TableRow[] }>;
  end(): Promise<void>;
}

/** Reads the rows with node-postgres; errors name the server and the SQLSTATE, never the connection string. */
async function readRows(connectionString: string | undefined, query: string): Promise<TableRow[]> {
  const { Client } = await loadPg();
  const client: PgClientLike = new Client(connectionString ? { connectionString } : {});
  const why = (err: unknown) => {
    const e = err as { code?: string; message?: string };
    return `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
  };
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new CliError(`Cannot connect to PostgreSQL (${why(err)}). Check the database URL (--database-url-env) or the PG* variables.`, ExitCode.Unavailable, { cause: err, code: 'DatabaseUnavailable' });
  }
  try {
    return (await client.query(query)).rows;
  } catch (err) {
    throw new CliError(`The query failed (${why(err)}). It needs SELECT on the table.`, ExitCode.Failed, { cause: err, code: 'QueryFailed' });
  } finally {
    await client.end().catch(() => undefined);
  }
}

function keySummary(p: PlannedTableSecret): string {
  const list = p.keyPaths.length > 5 ? `${p.keyPaths.slice(0, 5).join(', ')}, … (${p.keyPaths.length})` : p.keyPaths.join(', ');
  const marks = [p.action === 'update' && p.changed.length ? `~${p.changed.length} changed` : '', p.kept.length ? `${p.kept.length} kept` : ''].filter(Boolean).join(', ');
  return marks ? `${list} (${marks})` : list;
}

/** `keyturn migrate-table` */
export function registerMigrateTable(program: Command, ctx: CommandContext): void {
  program
    .command('migrate-table')
    .description('Copy the rows of a PostgreSQL query into one JSON secret per row (plan, then create/update; values are never printed)')
    .option('--query <sql>', 'query returning one row per secret')
    .option('--query-file <file>', 'file holding the query')
    .requiredOption('--name <template>', 'secret name of each row, {column} replaced by the row value, e.g. app/clients/{slug}')
    .requiredOption('--columns <mapping>', 'JSON key path=column pairs, comma-separated; dots nest, e.g. db.password=db_password,smtp.user=smtp_user')
    .option('--database-url-env <name>', 'environment variable holding the PostgreSQL connection string', 'DATABASE_URL')
    .option('--database-url <url>', 'PostgreSQL connection string (prefer --database-url-env: a URL on the command line ends up in shell history)')
    .option('--dry-run', 'show the plan and the IAM policy, change nothing')
    .option('--yes', 'apply without asking')
    .option('--account <id>', 'account id for the printed IAM policy')
    .addOption(new Option('--concurrency <n>', 'parallel reads and writes').argParser((v) => Math.max(1, Math.min(32, Number(v) || 8))).default(8))
    .addHelpText(
      'after',
      `
Each row becomes the secret --name renders, holding the JSON --columns describes (text, numbers, booleans
and null as they are; dates as ISO text; json columns as JSON; binary columns are refused: encode them
in the query). A row that cannot become a secret (missing column, empty name part, two rows with one
name) stops the run before anything is written, with the row number, secret and key named.

Existing secrets: the row's keys are merged into the stored JSON (other keys, e.g. added by a rotation,
are kept); a secret whose keys already hold the row's values is left alone, so a rerun writes nothing.

Interrupted runs: run the same command again. The plan is recomputed from what Secrets Manager holds,
so secrets already written are unchanged, and every write carries a ClientRequestToken derived from the
secret, the version it is based on and its content, so a write that was under way when the run died is
the same request again and creates no second version. No state file to keep or lose.

IAM: secretsmanager:GetSecretValue, CreateSecret, PutSecretValue, UpdateSecretVersionStage and
DescribeSecret on the secrets under the template's prefix (printed with --dry-run), and SELECT on the
table for the database user.

Examples:
  $ export DATABASE_URL=postgres://migrator@db.internal/app
  $ keyturn migrate-table --query 'SELECT slug, db_user, db_password, smtp_user, smtp_app_password FROM clients' \\
      --name 'app/clients/{slug}' --columns 'db.user=db_user,db.password=db_password,smtp.user=smtp_user,smtp.password=smtp_app_password' --dry-run
  $ keyturn migrate-table --query-file clients.sql --name 'app/clients/{slug}' --columns 'db.password=db_password' --yes --json
`,
    )
    .action(async (opts: MigrateTableOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      if (Boolean(opts.query) === Boolean(opts.queryFile)) throw new UsageError('Pass exactly one of --query <sql> and --query-file <file>.');
      let query = opts.query ?? '';
      if (opts.queryFile) {
        try {
          query = await readFile(resolve(ctx.cwd(), opts.queryFile), 'utf8');
        } catch (e) {
          throw new UsageError(`Cannot read --query-file ${opts.queryFile}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
        }
      }
      const env = ctx.io.env ?? process.env;
      const url = opts.databaseUrl ?? env[opts.databaseUrlEnv];
      // Check the template and mapping before connecting.
      rowsToSecrets([], opts.name, opts.columns);
      const items = rowsToSecrets(await readRows(url, query), opts.name, opts.columns);
      const client = await ctx.client(cmd);
      const iam = migrateTablePolicy(opts.name, { region: g.region ?? env.AWS_REGION, account: opts.account });
      const steps = await forEachLimited(items, opts.concurrency, (item) => planTableSecret(client, item, g.endpointUrl));
      const pending = steps.filter((s) => s.plan.action === 'create' || s.plan.action === 'update');
      const table = (rows: PlannedTableSecret[], past: boolean) =>
        renderTable(['row', 'secret', 'keys', past ? 'outcome' : 'action'], rows.map((p) => [p.row, p.secretId, keySummary(p), past ? PAST[p.action] : p.action]));

      let results = steps.map((s) => s.plan);
      const applying = !opts.dryRun && pending.length > 0;
      if (applying && !g.json) {
        println(ctx.io, `Plan: ${plural(items.length, 'row')} → ${opts.name}:`);
        ctx.io.stdout.write(table(results.filter((p) => p.action !== 'unchanged'), false));
      }
      if (applying && !(await confirm(ctx.io, `Write ${plural(pending.length, 'secret')} to Secrets Manager?`, opts.yes))) {
        println(ctx.io, 'Nothing changed.');
        return;
      }
      if (applying) {
        const bar =
          ctx.io.stderr.isTTY && !g.json
            ? new SingleBar({ stream: ctx.io.stderr as NodeJS.WritableStream, format: 'migrating {bar} {value}/{total} rows', hideCursor: true, clearOnComplete: true })
            : undefined;
        bar?.start(pending.length, 0);
        try {
          const done = await forEachLimited(pending, opts.concurrency, (step) => applyTableStep(client, step, g.endpointUrl), () => bar?.increment());
          const bySecret = new Map(done.map((p) => [p.secretId, p]));
          results = results.map((p) => bySecret.get(p.secretId) ?? p);
        } finally {
          bar?.stop();
        }
      }
      const failed = results.filter((p) => p.action === 'error');
      const count = (a: PlannedTableSecret['action']) => results.filter((p) => p.action === a).length;
      const summary = { rows: items.length, create: count('create'), update: count('update'), unchanged: count('unchanged'), error: failed.length };
      if (failed.length > 0) ctx.exitCode = failed.every((f) => f.error?.exitCode === failed[0].error?.exitCode) ? (failed[0].error?.exitCode as ExitCode) : ExitCode.Failed;
      if (g.json) {
        printJson(ctx.io, {
          name: opts.name,
          dryRun: Boolean(opts.dryRun),
          secrets: results.map((p) => ({ ...p, outcome: opts.dryRun ? undefined : PAST[p.action] })),
          summary,
          iam,
        });
        return;
      }
      const shown = results.filter((p) => p.action !== 'unchanged');
      println(ctx.io, `${opts.dryRun ? 'Plan (dry run, nothing changed)' : 'Result'}: ${plural(items.length, 'row')} → ${opts.name}${shown.length ? ':' : ', all unchanged.'}`);
      if (shown.length) ctx.io.stdout.write(table(shown, !opts.dryRun));
      for (const f of failed) ctx.io.stderr.write(`keyturn: ${f.error?.message}\n`);
      const verb = opts.dryRun ? ['to create', 'to update'] : ['created', 'updated'];
      println(ctx.io, `${summary.create} ${verb[0]}, ${summary.update} ${verb[1]}, ${summary.unchanged} unchanged, ${summary.error} failed.`);
      if (opts.dryRun) {
        println(ctx.io, '\nIAM policy this run needs (plus SELECT on the table for the database user):');
        println(ctx.io, JSON.stringify(iam, null, 2));
      }
    });
}
