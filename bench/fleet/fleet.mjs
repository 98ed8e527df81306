#!/usr/bin/env node
// A fleet of application instances against one emulator in AWS quotas mode, today's polling beside
// push invalidation (Redis bus + one elected watcher). The fleet is simulated at scale: N processes
// × M SecretStore instances stand for a fleet of --fleet instances, and every quota is scaled by
// the same factor (instances simulated / instances run), so each operation's load relative to its
// quota is the real fleet's. Time is not scaled: the TTL is short (a real setting), the deploy
// window, the watcher interval and the region-failover timings are the real ones.
//   1. deploy storm: every instance starts within a few seconds; failed start-ups (an instance whose
//      start-up fails is restarted after a crash-loop back-off), peak rate per operation vs quota;
//   2. steady-state API calls per hour by operation, extrapolated from a window of one TTL;
//   3. pick-up of an out-of-band PutSecretValue, per instance: p50 / p99 / max;
//   4. an outage of the primary region under load: failed reads, time until every instance serves
//      from the replica, time back to the primary after recovery.
// Run by hand after `npm run build`: node bench/fleet/fleet.mjs [--processes 5] [--stores 10]
//   [--secrets 50] [--fleet 500] [--ttl 30000] [--deploy-window 5000] [--startup-jitter 20000]
//   [--rotations 3] [--modes polling,push]
// Needs redis-server on the PATH for the push mode. Never part of the test suite.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@keyturn/core';
import { arg, percentile, sleep } from '../lib/harness.mjs';
import { cleanup, cleanupOnSignals, startChild, startRedisServer } from '../lib/processes.mjs';

const PROCESSES = arg('processes', 5);
const STORES = arg('stores', 10);
const SECRETS = arg('secrets', 50);
const FLEET = arg('fleet', 500);
const TTL = arg('ttl', 30_000);
const DEPLOY_WINDOW = arg('deploy-window', 5000);
const STARTUP_JITTER = arg('startup-jitter', 20_000);
const RESTART_BACKOFF = arg('restart-backoff', 10_000);
const PUSH_ROTATIONS = arg('rotations', 3);
const READ_INTERVAL = 200;
const PRIMARY = 'us-east-1';
const REPLICA = 'eu-west-1';
/** Operations a fleet makes once (the elected watcher), not once per instance. */
const FLEET_WIDE = new Set(['ListSecrets']);

const here = dirname(fileURLToPath(import.meta.url));
const INSTANCES = PROCESSES * STORES;
const SCALE = INSTANCES / FLEET;
const PREFIX = 'fleet/app/';
const secrets = Array.from({ length: SECRETS }, (_, i) => `${PREFIX}secret-${String(i).padStart(3, '0')}`);
const pushAvailable = typeof core.RedisInvalidationBus === 'function' && typeof core.attachInvalidationBus === 'function';

const MODES = (process.argv.includes('--modes') ? process.argv[process.argv.indexOf('--modes') + 1] : 'polling,push').split(',');
const s1 = (ms) => (ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** Waits until `done()` or `timeoutMs`; resolves with the time it took, or undefined on timeout. */
async function until(done, timeoutMs, from = Date.now()) {
  while (!done()) {
    if (Date.now() - from > timeoutMs) return undefined;
    await sleep(100);
  }
  return Date.now() - from;
}

/** Sums the emulator's counts by operation (both regions): requests, throttled, errors, and the busiest second of any region. */
function byOperation(counts) {
  const ops = {};
  for (const c of counts) {
    const o = (ops[c.operation] ??= { requests: 0, throttled: 0, errors: 0, peakPerSecond: 0 });
    o.requests += c.requests;
    o.throttled += c.throttled;
    o.errors += c.errors;
    o.peakPerSecond = Math.max(o.peakPerSecond, c.peakPerSecond);
  }
  return ops;
}

/** Reads and failed reads since the last call, and the largest event-loop delay of any fleet process meanwhile. */
async function workerStats(workers) {
  const stats = await Promise.all(workers.map((w) => w.call('stats')));
  await Promise.all(workers.map((w) => w.call('resetStats')));
  return {
    reads: stats.reduce((n, s) => n + s.reads, 0),
    failedReads: stats.reduce((n, s) => n + s.failedReads, 0),
    loopDelayMaxMs: Math.max(...stats.map((s) => s.loopDelayMaxMs)),
  };
}

async function runMode(mode, emulator, redis) {
  const result = { mode };
  const regionOf = new Map();
  const versions = new Map();
  const onEvent = (e) => {
    if (e.type === 'region') regionOf.set(e.instance, e);
    if (e.type === 'version') versions.set(`${e.instance}\n${e.versionId}`, e.at);
  };
  const workers = Array.from({ length: PROCESSES }, () => startChild(join(here, 'lib', 'fleet-worker.mjs'), { onEvent }));
  try {
    // 1. Deploy storm.
    await emulator.call('reset');
    const startAt = Date.now() + 1000;
    const started = (
      await Promise.all(
        workers.map((w, p) =>
          w.call('start', { mode, endpoint: emulator.endpoint, primary: PRIMARY, replica: REPLICA, secrets, prefix: PREFIX, stores: STORES, firstId: p * STORES, ttlMs: TTL, startAt, deployWindowMs: DEPLOY_WINDOW, startupJitterMs: STARTUP_JITTER, restartBackoffMs: RESTART_BACKOFF, readIntervalMs: READ_INTERVAL, redis }),
        ),
      )
    ).flat();
    const allUp = Date.now();
    // Rotation-aware lookups (DescribeSecret) follow each first load by 10 s: part of the start-up.
    await sleep(Math.max(0, startAt + DEPLOY_WINDOW + STARTUP_JITTER + 12_000 - Date.now()));
    result.storm = {
      failedStartups: started.reduce((n, s) => n + s.failures.length, 0),
      instancesFailed: started.filter((s) => s.failures.length > 0).length,
      failureCodes: [...new Set(started.flatMap((s) => s.failures.map((f) => f.code)))],
      allUpAfterMs: allUp - startAt,
      startMs: started.map((s) => s.readyAt - s.startedAt),
      ops: byOperation(await emulator.call('counts')),
      ...(await workerStats(workers)),
    };

    // 2. Steady state over one TTL.
    await emulator.call('reset');
    const windowStart = Date.now();
    await sleep(TTL);
    result.steady = { windowMs: Date.now() - windowStart, ops: byOperation(await emulator.call('counts')), ...(await workerStats(workers)) };

    // 3. Rotations out of band, each picked up by every instance. With push, several, at random
    // moments of the watcher's interval (its phase decides the pick-up time).
    await emulator.call('reset');
    const ids = [...Array(INSTANCES).keys()];
    result.rotation = { rotations: mode === 'polling' ? 1 : PUSH_ROTATIONS, pickups: [], spread: [], missed: 0 };
    for (let n = 0; n < result.rotation.rotations; n++) {
      if (n > 0) await sleep(Math.random() * 10_000);
      const put = await emulator.call('put', { secretId: secrets[0], value: JSON.stringify({ name: secrets[0], password: `rotated-${mode}-${n}` }) });
      await until(() => ids.every((i) => versions.has(`${i}\n${put.versionId}`)), TTL * 2 + 10_000, put.at);
      const times = ids.map((i) => versions.get(`${i}\n${put.versionId}`)).filter((at) => at !== undefined).map((at) => at - put.at);
      result.rotation.pickups.push(...times);
      result.rotation.spread.push(...times.map((t) => t - Math.min(...times)));
      result.rotation.missed += INSTANCES - times.length;
    }
    result.rotation.ops = byOperation(await emulator.call('counts'));
    Object.assign(result.rotation, await workerStats(workers));

    // 4. Outage of the primary region under load.
    await emulator.call('reset');
    const on = (region) => () => ids.every((i) => regionOf.get(i)?.region === region);
    const outageAt = Date.now();
    await emulator.call('fault', { region: PRIMARY, outage: true });
    const toReplica = await until(on('replica'), 60_000, outageAt);
    await emulator.call('clearFaults', { region: PRIMARY });
    const recoveredAt = Date.now();
    const toPrimary = await until(on('primary'), 90_000, recoveredAt);
    result.outage = {
      toReplicaMs: toReplica,
      onReplica: ids.filter((i) => regionOf.get(i)?.region === 'replica' && regionOf.get(i).at >= outageAt && regionOf.get(i).at <= recoveredAt).length,
      toPrimaryMs: toPrimary,
      ops: byOperation(await emulator.call('counts')),
      ...(await workerStats(workers)),
    };
    await Promise.all(workers.map((w) => w.call('stop')));
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  return result;
}

const fmtInt = (n) => Math.round(n).toLocaleString('en-US');

function report(results, rates) {
  const modes = results.map((r) => r.mode);
  const row = (label, f) => console.log(`| ${label} | ${results.map(f).join(' | ')} |`);
  const header = (title) => {
    console.log(`\n${title}\n`);
    console.log(`| | ${modes.join(' | ')} |`);
    console.log(`| --- | ${modes.map(() => '---:').join(' | ')} |`);
  };
  const allOps = (phase) => [...new Set(results.flatMap((r) => Object.keys(r[phase].ops)))].sort();

  header('1. Deploy storm (every instance starts within the deploy window)');
  row('failed start-ups (instances affected)', (r) => `${r.storm.failedStartups} (${r.storm.instancesFailed})${r.storm.failureCodes.length ? ` ${r.storm.failureCodes.join(', ')}` : ''}`);
  row('start-up time p50 / p99 / max', (r) => `${s1(percentile(r.storm.startMs, 50))} / ${s1(percentile(r.storm.startMs, 99))} / ${s1(Math.max(...r.storm.startMs))}`);
  row('every instance up after', (r) => s1(r.storm.allUpAfterMs));
  for (const op of allOps('storm')) {
    row(`${op}: peak/s vs quota/s (throttled)`, (r) => {
      const o = r.storm.ops[op];
      return o ? `${o.peakPerSecond} vs ${rates[op]} (${o.throttled})` : '-';
    });
  }

  header(`2. Steady state: API calls per hour of the simulated fleet of ${FLEET} (window ${s1(TTL)}, per-instance calls ÷ ${SCALE})`);
  for (const op of allOps('steady')) {
    row(op, (r) => {
      const o = r.steady.ops[op];
      if (!o) return '0';
      const perHour = (o.requests * 3_600_000) / r.steady.windowMs / (FLEET_WIDE.has(op) ? 1 : SCALE);
      return `${fmtInt(perHour)}${o.throttled ? ` (${o.throttled} throttled)` : ''}`;
    });
  }

  header('3. Rotation (PutSecretValue out of band): pick-up time per instance and rotation');
  row('rotations', (r) => String(r.rotation.rotations));
  row('pick-up p50 / p99 / max', (r) => `${s1(percentile(r.rotation.pickups, 50))} / ${s1(percentile(r.rotation.pickups, 99))} / ${s1(r.rotation.pickups.length ? Math.max(...r.rotation.pickups) : undefined)}`);
  row('after the first instance: p50 / p99 / max', (r) => `${s1(percentile(r.rotation.spread, 50))} / ${s1(percentile(r.rotation.spread, 99))} / ${s1(r.rotation.spread.length ? Math.max(...r.rotation.spread) : undefined)}`);
  row('missed (instance × rotation)', (r) => String(r.rotation.missed));
  for (const op of allOps('rotation')) {
    row(`${op} calls during the rotations (throttled)`, (r) => {
      const o = r.rotation.ops[op];
      return o ? `${o.requests} (${o.throttled})` : '0';
    });
  }

  header('4. Outage of the primary region under load');
  row('failed reads / reads', (r) => `${r.outage.failedReads} / ${fmtInt(r.outage.reads)}`);
  row('every instance on the replica after', (r) => s1(r.outage.toReplicaMs) + (r.outage.toReplicaMs === undefined ? ` (${r.outage.onReplica} of ${INSTANCES})` : ''));
  row('every instance back on the primary after recovery', (r) => s1(r.outage.toPrimaryMs));
  row('throttled requests', (r) => String(Object.values(r.outage.ops).reduce((n, o) => n + o.throttled, 0)));

  header('Largest event-loop delay of a fleet process (high values mean the machine, not the fleet, set the pace)');
  for (const phase of ['storm', 'steady', 'rotation', 'outage']) row(phase, (r) => `${Math.round(r[phase].loopDelayMaxMs)} ms`);

  console.log('\nTargets\n');
  const target = (label, f) => console.log(`| ${label} | ${results.map((r) => (f(r) ? 'PASS' : 'FAIL')).join(' | ')} |`);
  console.log(`| target | ${modes.join(' | ')} |`);
  console.log(`| --- | ${modes.map(() => ':---:').join(' | ')} |`);
  target('deploy storm: 0 failed start-ups, no operation over its quota', (r) => r.storm.failedStartups === 0 && Object.values(r.storm.ops).every((o) => o.throttled === 0));
  target('rotation picked up fleet-wide at p99 ≤ 5 s (push) / ≤ one TTL (polling)', (r) => r.rotation.missed === 0 && percentile(r.rotation.pickups, 99) <= (r.mode === 'polling' ? TTL : 5000));
  target('≤ 1 change-detection call per 10 s for the whole fleet (push)', (r) => r.mode === 'polling' || ((r.steady.ops.ListSecrets?.requests ?? 0) * 10_000) / r.steady.windowMs <= 1);
  target('outage: 0 failed reads', (r) => r.outage.failedReads === 0);
  target('outage: every instance on the replica within 30 s', (r) => r.outage.toReplicaMs !== undefined && r.outage.toReplicaMs <= 30_000);
  target('outage: every instance back on the primary within 60 s of recovery', (r) => r.outage.toPrimaryMs !== undefined && r.outage.toPrimaryMs <= 60_000);
}

async function main() {
  cleanupOnSignals();
  const t0 = Date.now();
  console.log(
    `Simulated fleet: ${FLEET} instances × ${SECRETS} secrets, run as ${PROCESSES} processes × ${STORES} SecretStore instances = ${INSTANCES} ` +
      `(scale factor ${SCALE}; every quota × ${SCALE}). Regions ${PRIMARY} (primary) + ${REPLICA} (replica), secrets replicated. ` +
      `TTL ${s1(TTL)}, deploy window ${s1(DEPLOY_WINDOW)}, store startupJitterMs ${STARTUP_JITTER}, crash-loop restart after ${s1(RESTART_BACKOFF)}, reads of every secret every ${READ_INTERVAL} ms. ` +
      `Time is not scaled.`,
  );
  try {
    const emulator = startChild(join(here, 'lib', 'emulator-process.mjs'));
    const { endpoint, rates } = await emulator.call('start', { primary: PRIMARY, replica: REPLICA, quotaScale: SCALE, secrets });
    emulator.endpoint = endpoint;
    const results = MODES.includes('polling') ? [await runMode('polling', emulator)] : [];
    if (MODES.includes('push') && pushAvailable) {
      const redis = await startRedisServer();
      results.push(await runMode('push', emulator, redis.options));
    } else if (MODES.includes('push')) {
      console.log('\n(push mode skipped: this build of @keyturn/core has no RedisInvalidationBus)');
    }
    report(results, rates);
    console.log(`\nTotal run time ${s1(Date.now() - t0)}.`);
  } finally {
    await cleanup();
  }
}

main().catch(async (e) => {
  console.error(e);
  await cleanup();
  process.exit(1);
});
