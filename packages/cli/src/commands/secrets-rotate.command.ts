import { randomUUID } from 'node:crypto';
import { DescribeSecretCommand, RotateSecretCommand, type RotationRulesType } from '@aws-sdk/client-secrets-manager';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { errorCode } from '@keyturn/core';
import type { CommandContext } from '../lib/command-context.js';
import { CliError } from '../lib/errors/cli-error.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { printJson, println } from '../lib/output.js';
import { Progress } from '../lib/progress.js';

const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`${what} must be a positive whole number`);
  return n;
};

interface RotateOptions {
  lambdaArn?: string;
  afterDays?: number;
  schedule?: string;
  duration?: string;
  wait: boolean;
  resume?: boolean;
  timeout: number;
  interval: number;
}

function stageHolder(stages: Record<string, string[]> | undefined, stage: string): string | undefined {
  return Object.entries(stages ?? {}).find(([, s]) => s.includes(stage))?.[0];
}

/** `keyturn secrets rotate <id>` */
export function registerSecretsRotate(secrets: Command, ctx: CommandContext): void {
  secrets
    .command('rotate')
    .description('Start a rotation and wait until the new version is AWSCURRENT (or it fails / times out)')
    .argument('<id>', 'secret name or ARN')
    .option('--lambda-arn <arn>', 'rotation function to configure (kept for later rotations)')
    .option('--after-days <n>', 'configure automatic rotation every n days', positiveInt('--after-days'))
    .option('--schedule <expression>', 'configure automatic rotation with rate(...) or cron(...)')
    .option('--duration <window>', 'rotation window, e.g. 3h')
    .option('--resume', 'resume the unfinished rotation (AWSPENDING on a version that is not AWSCURRENT) with its own token')
    .option('--no-wait', 'return once the rotation has started')
    .option('--timeout <seconds>', 'how long to wait for the outcome', positiveInt('--timeout'), 300)
    .addOption(new Option('--interval <ms>', 'poll interval').argParser(positiveInt('--interval')).default(1000).hideHelp())
    .addHelpText(
      'after',
      `
The command calls RotateSecret, then polls DescribeSecret: success when the new (AWSPENDING)
version holds AWSCURRENT; failure when the pending version disappears; exit 6 when --timeout
passes first (the rotation function is probably failing: check its logs). Each step is reported
on stderr as it happens (checked, started, waiting, and every 10 s while nothing changes); with
--json, stderr carries one JSON object per line and stdout the result.

A rotation that failed leaves AWSPENDING on its version, which may hold the only credentials the
database still accepts. The command detects it and refuses to start another rotation; --resume
runs that same rotation again (RotateSecret with the pending version id as ClientRequestToken),
keeping its pending value. Never remove AWSPENDING to get past it.

Examples:
  $ keyturn secrets rotate app/prod/db
  $ keyturn secrets rotate app/prod/db --lambda-arn arn:aws:lambda:eu-west-1:123456789012:function:rotate-pg --after-days 30
  $ keyturn secrets rotate app/prod/jwt --no-wait --json
  $ keyturn secrets rotate app/prod/db --resume
`,
    )
    .action(async (id: string, opts: RotateOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      if (opts.afterDays !== undefined && opts.schedule !== undefined) throw new UsageError('Use either --after-days or --schedule, not both.');
      const rules: RotationRulesType | undefined =
        opts.afterDays !== undefined || opts.schedule !== undefined || opts.duration !== undefined
          ? { AutomaticallyAfterDays: opts.afterDays, ScheduleExpression: opts.schedule, Duration: opts.duration }
          : undefined;
      const client = await ctx.client(cmd);
      const progress = new Progress(ctx.io, 'secrets rotate', Boolean(g.json));
      const before = await ctx.call({ action: 'secretsmanager:DescribeSecret', secretId: id, endpoint: g.endpointUrl }, () =>
        client.send(new DescribeSecretCommand({ SecretId: id })),
      );
      const previousVersionId = stageHolder(before.VersionIdsToStages, 'AWSCURRENT');
      const pendingVersionId = stageHolder(before.VersionIdsToStages, 'AWSPENDING');
      const unfinished = pendingVersionId !== undefined && pendingVersionId !== previousVersionId ? pendingVersionId : undefined;
      progress.event(
        'checked',
        `Checking ${id}: AWSCURRENT on version ${previousVersionId ?? '(none)'}${unfinished ? `, AWSPENDING on version ${unfinished} (unfinished rotation)` : ''}.`,
        { secretId: id, currentVersionId: previousVersionId, pendingVersionId: unfinished },
      );
      if (opts.resume && !unfinished) {
        throw new CliError(`Nothing to resume: "${id}" has no unfinished rotation (AWSPENDING is ${pendingVersionId ? 'on the AWSCURRENT version' : 'on no version'}). Start one with: keyturn secrets rotate ${id}`, ExitCode.Conflict, {
          code: 'NoUnfinishedRotation',
        });
      }
      if (!opts.resume && unfinished) {
        throw new CliError(
          `Rotation of "${id}" is unfinished: AWSPENDING is on version ${unfinished}, AWSCURRENT on ${previousVersionId ?? 'no version'}. AWSPENDING may hold the only working credentials; do not remove it. Resume that rotation with: keyturn secrets rotate ${id} --resume`,
          ExitCode.Conflict,
          { code: 'RotationUnfinished' },
        );
      }
      const started = Date.now();
      let versionId: string;
      try {
        const r = await client.send(
          new RotateSecretCommand({ SecretId: id, ClientRequestToken: unfinished ?? randomUUID(), RotationLambdaARN: opts.lambdaArn, RotationRules: rules }),
        );
        versionId = r.VersionId as string;
      } catch (err) {
        if (errorCode(err) === 'InvalidRequestException') {
          throw new CliError(
            `Cannot start a rotation of "${id}" (${errorCode(err)}: ${String((err as Error).message).slice(0, 200)}). Either no rotation function is configured (pass --lambda-arn), a rotation is still in progress (AWSPENDING on another version: see keyturn secrets get ${id}), or the secret is scheduled for deletion.`,
            ExitCode.Conflict,
            { cause: err, code: 'InvalidRequestException' },
          );
        }
        if (errorCode(err) === 'AccessDeniedException') {
          throw new CliError(
            `Access denied starting a rotation of "${id}" (AccessDeniedException: ${String((err as Error).message).slice(0, 200)}). The caller needs secretsmanager:RotateSecret on the secret, and the rotation function's resource policy must let secretsmanager.amazonaws.com invoke it (lambda:InvokeFunction); check --lambda-arn.`,
            ExitCode.AccessDenied,
            { cause: err, code: 'AccessDeniedException' },
          );
        }
        return ctx.call({ action: 'secretsmanager:RotateSecret', secretId: id, endpoint: g.endpointUrl }, () => Promise.reject(err));
      }
      progress.event(
        unfinished ? 'resumed' : 'started',
        `Rotation of ${id} ${unfinished ? 'resumed' : 'started'}: pending version ${versionId} (AWSPENDING); the rotation function runs createSecret, setSecret, testSecret, finishSecret.`,
        { secretId: id, versionId },
      );
      const report = (outcome: string, extra: Record<string, unknown> = {}) => ({
        secretId: before.Name ?? id,
        outcome,
        previousVersionId,
        versionId,
        resumed: unfinished !== undefined,
        elapsedMs: Date.now() - started,
        ...extra,
      });
      if (!opts.wait) {
        if (g.json) printJson(ctx.io, report('started'));
        else println(ctx.io, `Rotation of ${id} ${unfinished ? 'resumed' : 'started'}: pending version ${versionId}. Follow it with: keyturn secrets get ${id}`);
        return;
      }
      const deadline = started + opts.timeout * 1000;
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      let lastState = '';
      let lastReport = 0;
      for (;;) {
        const d = await ctx.call({ action: 'secretsmanager:DescribeSecret', secretId: id, endpoint: g.endpointUrl }, () =>
          client.send(new DescribeSecretCommand({ SecretId: id })),
        );
        const stages = d.VersionIdsToStages ?? {};
        const mine = stages[versionId] ?? [];
        if (mine.includes('AWSCURRENT')) {
          progress.event('succeeded', `AWSCURRENT moved to version ${versionId} after ${elapsed()}.`, { secretId: id, versionId, elapsedMs: Date.now() - started });
          if (g.json) printJson(ctx.io, report('succeeded'));
          else println(ctx.io, `Rotated ${id}: version ${versionId} is AWSCURRENT (was ${previousVersionId ?? 'none'}), after ${((Date.now() - started) / 1000).toFixed(1)} s.`);
          return;
        }
        if (!mine.includes('AWSPENDING')) {
          const current = stageHolder(stages, 'AWSCURRENT');
          const msg = `Rotation of "${id}" failed or was cancelled: pending version ${versionId} lost its AWSPENDING label and AWSCURRENT is ${current ?? 'on no version'}. Check the rotation function's logs.`;
          if (g.json) printJson(ctx.io, report('failed', { currentVersionId: current }));
          throw new CliError(msg, ExitCode.Failed, { code: 'RotationFailed' });
        }
        // A line when the state changes, and every 10 s while it does not, so a wait is never silent.
        const current = stageHolder(stages, 'AWSCURRENT');
        const state = `${current}|${mine.join(',')}`;
        if (state !== lastState || Date.now() - lastReport >= 10_000) {
          progress.event(
            'waiting',
            `Waiting for the rotation function: AWSPENDING on version ${versionId}, AWSCURRENT still on version ${current ?? '(none)'} (${elapsed()} of ${opts.timeout} s).`,
            { secretId: id, versionId, currentVersionId: current, elapsedMs: Date.now() - started },
          );
          lastState = state;
          lastReport = Date.now();
        }
        if (Date.now() + opts.interval > deadline) {
          if (g.json) printJson(ctx.io, report('timeout', { currentVersionId: current }));
          throw new CliError(
            `Rotation of "${id}" did not finish within ${opts.timeout} s: AWSPENDING is on ${versionId}, AWSCURRENT still on ${current ?? 'no version'}. The rotation function may be failing (check its logs, e.g. CloudWatch /aws/lambda/<function>); Secrets Manager retries it. Wait longer with --timeout.`,
            ExitCode.Timeout,
            { code: 'RotationTimeout' },
          );
        }
        await new Promise((r) => setTimeout(r, opts.interval));
      }
    });
}
