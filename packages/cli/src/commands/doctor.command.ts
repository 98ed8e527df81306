import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DescribeSecretCommand, ListSecretsCommand, type DescribeSecretCommandOutput, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { resolveRegion } from '../lib/aws-client.js';
import { errorCode } from '@keyturn/core';
import { toCliError } from '../lib/aws-errors.js';
import type { CommandContext } from '../lib/command-context.js';
import { parseDoctorConfig, type DoctorSecretSpec } from '../lib/doctor-config.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { plural, printJson, println, renderTable } from '../lib/output.js';
import { isJsonObject, parseJsonSafely } from '../lib/secret-json.js';
import { loadSecretValues, referenceParser } from '../lib/secret-loader.js';
import { readSecretIds } from './iam-policy.command.js';

/** One line of the doctor's report. */
export interface Finding {
  check: 'endpoint' | 'exists' | 'loads' | 'json' | 'keys' | 'rotation';
  secretId?: string;
  status: 'ok' | 'warn' | 'fail' | 'skipped';
  detail: string;
}

const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET', 'TimeoutError']);

async function checkEndpoint(client: SecretsManagerClient, where: string): Promise<{ finding: Finding; reachable: boolean }> {
  try {
    await client.send(new ListSecretsCommand({ MaxResults: 1 }));
    return { finding: { check: 'endpoint', status: 'ok', detail: `credentials accepted by ${where} (ListSecrets)` }, reachable: true };
  } catch (err) {
    const name = errorCode(err) ?? 'Error';
    if (name === 'AccessDeniedException') {
      return {
        finding: { check: 'endpoint', status: 'ok', detail: `credentials accepted by ${where}; ListSecrets is not allowed (fine for a least-privilege application role)` },
        reachable: true,
      };
    }
    const e = toCliError(err, { action: 'secretsmanager:ListSecrets', endpoint: where });
    return { finding: { check: 'endpoint', status: 'fail', detail: e.message }, reachable: !NETWORK.has(name) && e.exitCode !== ExitCode.Unavailable };
  }
}

function stageHolder(stages: Record<string, string[]> | undefined, stage: string): string | undefined {
  return Object.entries(stages ?? {}).find(([, s]) => s.includes(stage))?.[0];
}

function rotationFindings(spec: DoctorSecretSpec, d: DescribeSecretCommandOutput | undefined, now: Date): Finding[] {
  if (!d) return spec.rotation ? [{ check: 'rotation', secretId: spec.id, status: 'skipped', detail: 'not checked: DescribeSecret failed' }] : [];
  const out: Finding[] = [];
  const pending = stageHolder(d.VersionIdsToStages, 'AWSPENDING');
  const current = stageHolder(d.VersionIdsToStages, 'AWSCURRENT');
  if (pending && pending !== current) {
    // Whatever the rotation settings: a failed single-user rotation leaves the only password the
    // database accepts under AWSPENDING, and a new rotation (or removing the label) would lose it.
    out.push({
      check: 'rotation',
      secretId: spec.id,
      status: 'fail',
      detail: `unfinished rotation: AWSPENDING holds the working credentials (version ${pending}; AWSCURRENT is ${current ?? 'on no version'}). Resume it with: keyturn secrets rotate ${spec.id} --resume (do not remove AWSPENDING)`,
    });
  } else if (spec.rotation && d.RotationEnabled !== true) {
    out.push({
      check: 'rotation',
      secretId: spec.id,
      status: 'fail',
      detail: `rotation is not enabled; enable it with: keyturn secrets rotate ${spec.id} --lambda-arn <function ARN> --after-days 30`,
    });
  } else if (d.RotationEnabled) {
    if (d.NextRotationDate && d.NextRotationDate.getTime() < now.getTime()) {
      out.push({ check: 'rotation', secretId: spec.id, status: 'warn', detail: `rotation is overdue (next rotation was ${d.NextRotationDate.toISOString()}); the last attempts may have failed` });
    } else {
      out.push({ check: 'rotation', secretId: spec.id, status: 'ok', detail: `enabled (${d.RotationLambdaARN ?? 'managed'}), last rotated ${d.LastRotatedDate?.toISOString() ?? 'never'}` });
    }
  }
  return out;
}

/** `keyturn doctor` */
export function registerDoctor(program: Command, ctx: CommandContext): void {
  program
    .command('doctor')
    .description('Check credentials, endpoint and the secrets an application needs (exists, loads, parses, keys, rotation)')
    .option('--secrets <ids|file>', 'comma-separated ids ("name" or "name:jsonKey"), or a file listing them')
    .option('--config <file>', 'JSON: {"secrets": [{"id", "requiredKeys", "json", "rotation"}]} or a migrate-env mapping file')
    .option('--expect-rotation', 'require rotation on every secret given with --secrets')
    .addHelpText(
      'after',
      `
Checks, in order: the endpoint accepts the credentials (ListSecrets; AccessDenied is fine), and for each
secret: it exists and is not scheduled for deletion (DescribeSecret), its current value loads the way the
application loads it (BatchGetSecretValue, falling back to GetSecretValue), it is a JSON object when keys
are required, every required key is present and non-empty, and rotation is enabled where expected and not
stuck. Exit code 1 when any check fails; values are never printed.

Config example (doctor.json):
  {"secrets": ["app/prod/jwt:signingKey",
               {"id": "app/prod/database", "requiredKeys": ["username", "password", "host"], "rotation": true}]}

Examples:
  $ keyturn doctor --config doctor.json
  $ keyturn doctor --secrets app/prod/database,app/prod/stripe:secretKey --expect-rotation
  $ keyturn doctor --config keyturn.env-map.json --json
`,
    )
    .action(async (opts: { secrets?: string; config?: string; expectRotation?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const specs: DoctorSecretSpec[] = [];
      const parseReference = await referenceParser();
      if (opts.config) {
        let text: string;
        try {
          text = await readFile(resolve(ctx.cwd(), opts.config), 'utf8');
        } catch (e) {
          throw new UsageError(`Cannot read --config ${opts.config}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, { cause: e });
        }
        const parsed = parseJsonSafely(text);
        if (!parsed.ok) throw new UsageError(`--config ${opts.config} is not valid JSON${parsed.position !== undefined ? ` (parse error at character ${parsed.position})` : ''}.`);
        specs.push(...parseDoctorConfig(opts.config, parsed.value, parseReference));
      }
      if (opts.secrets) {
        const ids = await readSecretIds(ctx, opts.secrets);
        specs.push(...parseDoctorConfig('--secrets', { secrets: ids.map((id) => ({ id, rotation: Boolean(opts.expectRotation) })) }, parseReference));
      }
      const client = await ctx.client(cmd);
      const where = g.endpointUrl ?? `Secrets Manager in ${resolveRegion(g, ctx.io) ?? 'the default region'}`;
      const findings: Finding[] = [];
      const endpoint = await checkEndpoint(client, where);
      findings.push(endpoint.finding);
      if (endpoint.reachable && specs.length > 0) {
        const now = new Date();
        const described = await Promise.all(
          specs.map(async (s) => {
            try {
              return { spec: s, d: await client.send(new DescribeSecretCommand({ SecretId: s.id })) };
            } catch (err) {
              return { spec: s, err: toCliError(err, { action: 'secretsmanager:DescribeSecret', secretId: s.id, endpoint: g.endpointUrl }) };
            }
          }),
        );
        const loadable = described.filter((x) => !x.err || x.err.exitCode === ExitCode.AccessDenied).filter((x) => !x.d?.DeletedDate).map((x) => x.spec.id);
        const loaded = await loadSecretValues(client, loadable);
        for (const { spec, d, err } of described) {
          const id = spec.id;
          if (err && err.exitCode !== ExitCode.AccessDenied) {
            findings.push({ check: 'exists', secretId: id, status: 'fail', detail: err.message });
            continue;
          }
          if (err) findings.push({ check: 'exists', secretId: id, status: 'warn', detail: `cannot describe it (${err.code}); grant secretsmanager:DescribeSecret to check existence and rotation` });
          else if (d?.DeletedDate) {
            findings.push({ check: 'exists', secretId: id, status: 'fail', detail: `scheduled for deletion on ${d.DeletedDate.toISOString()}; undo with: keyturn secrets restore ${id}` });
            continue;
          } else findings.push({ check: 'exists', secretId: id, status: 'ok', detail: d?.ARN ?? id });
          const value = loaded.get(id);
          if (!value || !value.ok) {
            findings.push({ check: 'loads', secretId: id, status: 'fail', detail: value && !value.ok ? value.message : 'not loaded' });
            findings.push(...rotationFindings(spec, d, now));
            continue;
          }
          findings.push({ check: 'loads', secretId: id, status: 'ok', detail: `version ${value.versionId} (loaded as @keyturn/core's AwsSecretsManagerSource does)` });
          if (spec.json) {
            const parsed = value.text === undefined ? { ok: false as const } : parseJsonSafely(value.text);
            if (!parsed.ok || !isJsonObject(parsed.value)) {
              const where = !parsed.ok && 'position' in parsed && parsed.position !== undefined ? ` (parse error at character ${parsed.position})` : '';
              findings.push({ check: 'json', secretId: id, status: 'fail', detail: `the value is not a JSON object${where}; store {"key": "value", ...}` });
            } else {
              findings.push({ check: 'json', secretId: id, status: 'ok', detail: `JSON object with ${plural(Object.keys(parsed.value).length, 'key')}` });
              if (spec.requiredKeys.length) {
                const obj = parsed.value;
                const missing = spec.requiredKeys.filter((k) => !(k in obj) || obj[k] === null);
                const empty = spec.requiredKeys.filter((k) => obj[k] === '');
                if (missing.length) {
                  findings.push({ check: 'keys', secretId: id, status: 'fail', detail: `missing keys: ${missing.join(', ')}; add them with: keyturn secrets update-value ${id} <key> --stdin` });
                } else if (empty.length) findings.push({ check: 'keys', secretId: id, status: 'warn', detail: `empty keys: ${empty.join(', ')}` });
                else findings.push({ check: 'keys', secretId: id, status: 'ok', detail: `has ${spec.requiredKeys.join(', ')}` });
              }
            }
          }
          findings.push(...rotationFindings(spec, d, now));
        }
      } else if (!endpoint.reachable) {
        for (const s of specs) findings.push({ check: 'exists', secretId: s.id, status: 'skipped', detail: 'endpoint unreachable' });
      }
      const failed = findings.filter((f) => f.status === 'fail').length;
      const warnings = findings.filter((f) => f.status === 'warn').length;
      if (failed > 0) ctx.exitCode = ExitCode.Failed;
      if (g.json) {
        printJson(ctx.io, { ok: failed === 0, failed, warnings, findings });
        return;
      }
      ctx.io.stdout.write(renderTable(['status', 'check', 'secret', 'detail'], findings.map((f) => [f.status.toUpperCase(), f.check, f.secretId ?? '-', f.detail])));
      println(ctx.io, failed === 0 ? `All checks passed${warnings ? ` (${plural(warnings, 'warning')})` : ''}.` : `${plural(failed, 'check')} failed, ${plural(warnings, 'warning')}.`);
      if (specs.length === 0) println(ctx.io, 'No secrets declared: pass --secrets or --config to check them too.');
    });
}
