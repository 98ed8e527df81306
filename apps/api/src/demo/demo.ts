import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { freePort } from './free-port.js';
import { defaultDataDir } from '../embedded/data-dir.js';
import { LaunchError } from '../embedded/launch-error.js';
import { launchApi, type RunningApi } from '../launcher.js';
import { renderLiveTable } from './live-table.js';
import { LoadGenerator } from './load-generator.js';
import { rotateNow, rotationPlans, type RotationResult } from './rotations.js';

/** How many times every secret is rotated (`DEMO_ROUNDS`). */
const ROUNDS = Number(process.env.DEMO_ROUNDS ?? 3);
/** Load kept on each new version before the next rotation (`DEMO_SETTLE_MS`). */
const SETTLE_MS = Number(process.env.DEMO_SETTLE_MS ?? 1_500);

interface HealthBody {
  details?: { secrets?: { secrets?: Record<string, { versionId?: string }> } };
}

async function appVersions(url: string): Promise<Record<string, string | undefined>> {
  const res = await fetch(`${url}/health`);
  const body = (await res.json()) as HealthBody;
  return Object.fromEntries(Object.entries(body.details?.secrets?.secrets ?? {}).map(([id, s]) => [id, s.versionId]));
}

async function waitForAppVersion(url: string, secretId: string, versionId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await appVersions(url))[secretId] !== versionId) {
    if (Date.now() > deadline) throw new Error(`the API did not pick up version ${versionId} of ${secretId} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `npm run demo`: the embedded stack, steady load, every secret rotated several times, a live table and a summary. */
async function demo(): Promise<number> {
  const started = Date.now();
  const dataDir = join(defaultDataDir(), 'demo');
  rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEYTURN_EMBEDDED: '1',
    KEYTURN_DATA_DIR: dataDir,
    KEYTURN_ENV: process.env.KEYTURN_ENV ?? 'demo',
    KEYTURN_TTL_MS: process.env.KEYTURN_TTL_MS ?? '2000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    PORT: process.env.PORT ?? String(await freePort()),
    KEYTURN_EMULATOR_PORT: String(await freePort()),
    KEYTURN_PG_PORT: String(await freePort()),
    KEYTURN_REDIS_PORT: String(await freePort()),
    KEYTURN_SMTP_PORT: String(await freePort()),
  };
  console.log('Starting the embedded stack (emulator, PostgreSQL, Redis, SMTP sink) and the API...');
  const running: RunningApi = await launchApi(env, { log: (m) => console.log(`  ${m}`), nestLogger: ['error'] });
  const stack = running.stack!;
  const load = new LoadGenerator({ url: running.url, client: stack.client, webhookSecretId: running.options.secrets.stripeWebhook, concurrency: Number(process.env.DEMO_CONCURRENCY ?? 6) });
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await load.stop().catch(() => undefined);
    await running.stop();
  };
  process.once('SIGINT', () => void shutdown().then(() => process.exit(130)));
  process.once('SIGTERM', () => void shutdown().then(() => process.exit(143)));

  console.log(`API on ${running.url}; secrets from the emulator at ${stack.endpoint}\n`);
  const plans = rotationPlans(running.options.secrets);
  const planned = plans.length * ROUNDS;
  const results: RotationResult[] = [];
  let current = 'warming up';
  let lastRequests = 0;
  let lastAt = Date.now();
  const tty = process.stdout.isTTY === true;
  let drawn = 0;
  const draw = (force = false) => {
    const stats = load.stats();
    const now = Date.now();
    const rps = ((stats.requests - lastRequests) * 1000) / Math.max(1, now - lastAt);
    lastRequests = stats.requests;
    lastAt = now;
    const table = renderLiveTable(stats, { elapsedMs: now - started, rotationsDone: results.length, rotationsPlanned: planned, current }, rps);
    if (tty) {
      if (drawn) process.stdout.write(`\x1b[${drawn}A\x1b[0J`);
      process.stdout.write(table + '\n');
      drawn = table.split('\n').length;
    } else if (force || Math.floor((now - started) / 1000) % 5 === 0) {
      process.stdout.write(table + '\n\n');
    }
  };
  const ticker = setInterval(() => draw(), 1_000);

  let error: unknown;
  try {
    load.start();
    await new Promise((r) => setTimeout(r, 2_000));
    for (let round = 1; round <= ROUNDS; round++) {
      for (const plan of plans) {
        current = `round ${round}/${ROUNDS}: rotating ${plan.label} (${plan.secretId})`;
        const result = await rotateNow(stack.client, stack.emulator, plan);
        await waitForAppVersion(running.url, plan.secretId, result.versionId);
        results.push(result);
        await new Promise((r) => setTimeout(r, SETTLE_MS));
      }
    }
    current = 'done';
  } catch (err) {
    error = err;
    current = 'stopped by an error';
  } finally {
    clearInterval(ticker);
    await load.stop();
    draw(true);
  }

  const stats = load.stats();
  const inUse = await appVersions(running.url).catch(() => ({}) as Record<string, string | undefined>);
  const lines: string[] = ['', 'Summary', '-------'];
  lines.push(`  requests        ${stats.requests}`);
  lines.push(`  failed          ${stats.failures}`);
  lines.push(`  latency         p50 ${stats.p50Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms, max ${stats.maxMs.toFixed(1)} ms`);
  lines.push(`  rotations done  ${results.length} of ${planned}`);
  for (const plan of plans) {
    const mine = results.filter((r) => r.plan === plan);
    const avg = mine.length ? mine.reduce((a, r) => a + r.durationMs, 0) / mine.length : 0;
    lines.push(`    ${plan.label.padEnd(30)} ${mine.length}x (avg ${avg.toFixed(0)} ms)`);
  }
  lines.push('  versions in use (API = AWSCURRENT?)');
  const ids = [...new Set(plans.map((p) => p.secretId))];
  for (const id of ids) {
    const awsCurrent = (await stack.client.send(new GetSecretValueCommand({ SecretId: id })).catch(() => undefined))?.VersionId;
    lines.push(`    ${id.padEnd(38)} ${inUse[id] ?? '-'} ${inUse[id] && inUse[id] === awsCurrent ? '(current)' : `(AWSCURRENT ${awsCurrent ?? '?'})`}`);
  }
  lines.push(`  emails received by the SMTP sink: ${stack.smtpSink?.received ?? 0}`);
  lines.push(`  elapsed         ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (stats.recentFailures.length) {
    lines.push('  last failures:');
    for (const f of stats.recentFailures) lines.push(`    ${f.at.toISOString()} ${f.kind} ${f.reason}`);
  }
  if (error) lines.push(`  error: ${(error as Error).message}`);
  console.log(lines.join('\n'));
  await shutdown();
  const ok = !error && stats.failures === 0 && results.length === planned;
  console.log(ok ? '\nOK: every secret rotated, no request failed.' : '\nFAILED: see above.');
  return ok ? 0 : 1;
}

demo().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const e = err as Error;
    console.error(`\nDemo could not run: ${e instanceof LaunchError ? e.message : `${e?.name}: ${e?.message}`}\n`);
    process.exit(1);
  },
);
