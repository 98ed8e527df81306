#!/usr/bin/env node
// A fleet of application instances against one emulator in AWS quotas mode, today's polling beside
// push invalidation (Redis bus + one elected watcher). The fleet is simulated at scale: N processes
// × M SecretStore instances stand for a fleet of --fleet instances, and every quota is scaled by
// the same factor (instances simulated / instances run), so each operation's load relative to its
// quota is the real fleet's. Time is not scaled: the TTL (2 min: its first refreshes come after
// the deploy storm), the deploy window, the start-up jitter (sized from the BatchGetSecretValue
// quota), the watcher interval and the region-failover timings are the real ones.
//   1. deploy storm: every instance starts within the deploy window plus the store's start-up
//      jitter; failed start-ups (an instance whose start-up fails is restarted after a crash-loop
//      back-off), peak rate and throttled requests per operation vs quota;
//   2. steady-state API calls per hour by operation, extrapolated from a window of one TTL;
//   3. pick-up of a rotation as production runs it (RotateSecret → rotation function; with push,
//      its onFinished hook publishes on the bus), and with push of out-of-band PutSecretValue
//      changes only the elected watcher detects: per instance p50 / p99 / max;
//   4. an outage of the primary region under load: failed reads, how soon an instance that fetches
//      during the outage serves from the replica, time back to the primary after recovery.
// Run by hand after `npm run build`: node bench/fleet/fleet.mjs [--processes 5] [--stores 10]
//   [--secrets 50] [--fleet 500] [--ttl 120000] [--deploy-window 5000] [--startup-jitter <ms>]
//   [--rotations 3] [--out-of-band 3] [--outage 30000] [--modes polling,push] [--independent-draws]
// Needs redis-server on the PATH for the push mode. Never part of the test suite.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@keyturn/core';
import { AWS_QUOTAS } from '@keyturn/emulator';
import { arg, percentile, sleep } from '../lib/harness.mjs';
import { cleanup, cleanupOnSignals, startChild, startRedisServer } from '../lib/processes.mjs';

const PROCESSES = arg('processes', 5);
const STORES = arg('stores', 10);
const SECRETS = arg('secrets', 50);
const FLEET = arg('fleet', 500);
// Long enough that the first refreshes (from TTL/2 after each start-up) come after the last
// start-up of the deploy storm.
const TTL = arg('ttl', 120_000);
const DEPLOY_WINDOW = arg('deploy-window', 5000);
/** BatchGetSecretValue calls a cold start-up of the whole (simulated) fleet needs: 20 secrets a call. */
const STARTUP_BATCHES = FLEET * Math.ceil(SECRETS / 20);
/** The sizing rule of startupJitterMs (packages/core/README.md): the start-up calls at half the quota, at least. */
const STARTUP_JITTER = arg('startup-jitter', Math.ceil(STARTUP_BATCHES / (AWS_QUOTAS.BatchGetSecretValue.rate * 0.5)) * 1000);
const RESTART_BACKOFF = arg('restart-backoff', 10_000);
const ROTATIONS = arg('rotations', 3);
const OUT_OF_BAND = arg('out-of-band', 3);
const OUTAGE = arg('outage', 30_000);
/** Plain Math.random for each store's draws instead of one slice of the range per instance (see fleet-worker.mjs). */
const INDEPENDENT_DRAWS = process.argv.includes('--independent-draws');
const WATCH_INTERVAL = core.FLEET_DEFAULTS.watchIntervalMs;
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
/** Like s1, in milliseconds below one second. */
const ms1 = (ms) => (ms !== undefined && ms < 1000 ? `${Math.round(ms)} ms` : s1(ms));

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

/** Operation totals minus calls that were not the fleet's (the rotation function's). */
function withoutCalls(ops, calls) {
  const out = structuredClone(ops);
  for (const [op, n] of Object.entries(calls)) {
    if (!out[op]) continue;
    out[op].requests -= n;
    if (out[op].requests <= 0) delete out[op];
  }
  return out;
}

async function runMode(mode, emulator, redis) {
  const result = { mode };
  const regionOf = new Map();
  const versions = new Map();
  let firstPrimaryFetch;
  const onEvent = (e) => {
    if (e.type === 'region') regionOf.set(e.instance, e);
    if (e.type === 'version') versions.set(`${e.instance}\n${e.versionId}`, e.at);
    if (e.type === 'primaryFetch' && firstPrimaryFetch && !firstPrimaryFetch.has(e.instance)) firstPrimaryFetch.set(e.instance, e.at);
  };
  const workers = Array.from({ length: PROCESSES }, () => startChild(join(here, 'lib', 'fleet-worker.mjs'), { onEvent }));
  const ids = [...Array(INSTANCES).keys()];
  /** Waits until every instance serves `versionId` (at most `timeoutMs` after `from`); adds the times to `into`. */
  const pickUp = async (versionId, from, timeoutMs, into) => {
    await until(() => ids.every((i) => versions.has(`${i}\n${versionId}`)), timeoutMs, from);
    const times = ids.map((i) => versions.get(`${i}\n${versionId}`)).filter((at) => at !== undefined).map((at) => at - from);
    into.pickups.push(...times);
    into.spread.push(...times.map((t) => t - Math.min(...times)));
    into.missed += INSTANCES - times.length;
  };
  try {
    await emulator.call('bus', { redis });
    // 1. Deploy storm.
    await emulator.call('reset');
    const startAt = Date.now() + 1000;
    const slots = ids.map((i) => [Math.random(), i]).sort((a, b) => a[0] - b[0]).map(([, i]) => i);
    const started = (
      await Promise.all(
        workers.map((w, p) =>
          w.call('start', { mode, endpoint: emulator.endpoint, primary: PRIMARY, replica: REPLICA, secrets, prefix: PREFIX, stores: STORES, firstId: p * STORES, ttlMs: TTL, startAt, deployWindowMs: DEPLOY_WINDOW, startupJitterMs: STARTUP_JITTER, restartBackoffMs: RESTART_BACKOFF, readIntervalMs: READ_INTERVAL, redis, slots, independentDraws: INDEPENDENT_DRAWS }),
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

    // 2. Steady state over one TTL. With polling, a rotation (RotateSecret, rotation function)
    // runs at the start of the window: polling picks it up with the refreshes the window measures
    // anyway (no call of its own); the rotation function's calls are taken out of the counts.
    await emulator.call('reset');
    const windowStart = Date.now();
    result.rotation = { changes: 0, pickups: [], spread: [], missed: 0, rotateToCurrent: [] };
    result.outOfBand = { changes: 0, pickups: [], spread: [], missed: 0 };
    let polled;
    if (mode === 'polling') {
      const r = await emulator.call('rotate', { secretId: secrets[0] });
      result.rotation.changes = 1;
      result.rotation.rotateToCurrent.push(r.at - r.rotateAt);
      polled = pickUp(r.versionId, r.at, TTL + 10_000, result.rotation);
    }
    await sleep(Math.max(0, windowStart + TTL - Date.now()));
    const windowMs = Date.now() - windowStart;
    const notTheFleet = { ...(await emulator.call('rotationCalls')), ...(mode === 'polling' ? { RotateSecret: 1 } : {}) };
    result.steady = { windowMs, ops: withoutCalls(byOperation(await emulator.call('counts')), notTheFleet), ...(await workerStats(workers)) };
    await polled;

    // 3. With push: rotations as production runs them (RotateSecret; the rotation function
    // publishes the new version on the bus once AWSCURRENT has moved), then out-of-band writes
    // (PutSecretValue, no rotation function) that only the elected watcher detects, at random
    // moments of its interval (its phase decides the pick-up time).
    await emulator.call('reset');
    if (mode === 'push') {
      for (let n = 0; n < ROTATIONS; n++) {
        const r = await emulator.call('rotate', { secretId: secrets[0] });
        result.rotation.changes++;
        result.rotation.rotateToCurrent.push(r.at - r.rotateAt);
        await pickUp(r.versionId, r.at, TTL + 10_000, result.rotation);
      }
      for (let n = 0; n < OUT_OF_BAND; n++) {
        await sleep(Math.random() * WATCH_INTERVAL);
        const put = await emulator.call('put', { secretId: secrets[0], value: JSON.stringify({ name: secrets[0], password: `out-of-band-${n}` }) });
        result.outOfBand.changes++;
        await pickUp(put.versionId, put.at, TTL + 10_000, result.outOfBand);
      }
      result.rotation.ops = byOperation(await emulator.call('counts'));
      Object.assign(result.rotation, await workerStats(workers));
    } else {
      result.rotation.loopDelayMaxMs = result.steady.loopDelayMaxMs;
    }

    // 4. Outage of the primary region under load, for OUTAGE ms. An instance meets it when it next
    // fetches (its refresh, or a pick-up); until then it serves its cached values.
    await emulator.call('reset');
    firstPrimaryFetch = new Map();
    await Promise.all(workers.map((w) => w.call('reportPrimaryFetches', { on: true })));
    const outageAt = Date.now();
    await emulator.call('fault', { region: PRIMARY, outage: true });
    await sleep(OUTAGE);
    await emulator.call('clearFaults', { region: PRIMARY });
    const recoveredAt = Date.now();
    await Promise.all(workers.map((w) => w.call('reportPrimaryFetches', { on: false })));
    // A fetch begun less than one attempt timeout before the recovery may be answered by the primary.
    const fetched = [...firstPrimaryFetch.entries()].filter(([, at]) => at < recoveredAt - core.REGIONAL_SOURCE_DEFAULTS.attemptTimeoutMs);
    const onReplicaAt = (i) => {
      const e = regionOf.get(i);
      return e && e.region !== 'primary' && e.at >= outageAt ? e.at : undefined;
    };
    const failoverMs = fetched.filter(([i]) => onReplicaAt(i) !== undefined).map(([i, at]) => onReplicaAt(i) - at);
    const onReplica = ids.filter((i) => onReplicaAt(i) !== undefined);
    const toPrimary = await until(() => onReplica.every((i) => regionOf.get(i)?.region === 'primary'), 90_000, recoveredAt);
    result.outage = {
      durationMs: recoveredAt - outageAt,
      fetchedDuring: fetched.length,
      failoverMs,
      notMoved: fetched.length - failoverMs.length,
      onReplica: onReplica.length,
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
  const allOps = (phase) => [...new Set(results.flatMap((r) => Object.keys(r[phase].ops ?? {})))].sort();

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

  const pickupRows = (key) => {
    const pct = (r, xs) => (r[key].changes ? `${ms1(percentile(xs, 50))} / ${ms1(percentile(xs, 99))} / ${ms1(Math.max(...xs))}` : '-');
    row('changes', (r) => String(r[key].changes));
    row('pick-up p50 / p99 / max', (r) => pct(r, r[key].pickups));
    row('after the first instance: p50 / p99 / max', (r) => pct(r, r[key].spread));
    row('missed (instance × change)', (r) => (r[key].changes ? String(r[key].missed) : '-'));
  };
  header('3. Rotation (RotateSecret → random-key rotation function; with push its onFinished publishes on the bus): pick-up time per instance, from AWSCURRENT moving');
  pickupRows('rotation');
  row('RotateSecret → AWSCURRENT moved: p50 / max', (r) => `${ms1(percentile(r.rotation.rotateToCurrent, 50))} / ${ms1(Math.max(...r.rotation.rotateToCurrent))}`);
  for (const op of allOps('rotation')) {
    row(`${op} calls during the push rotations and changes (throttled)`, (r) => {
      const o = r.rotation.ops?.[op];
      return r.mode === 'polling' ? 'in 2.' : o ? `${o.requests} (${o.throttled})` : '0';
    });
  }

  header(`3b. Out-of-band change (PutSecretValue, no rotation function; detected by the elected watcher every ${s1(WATCH_INTERVAL)}): pick-up time per instance`);
  pickupRows('outOfBand');

  header(`4. Outage of the primary region under load (${s1(OUTAGE)}); an instance meets it at its next fetch and serves its cached values until then`);
  row('failed reads / reads', (r) => `${r.outage.failedReads} / ${fmtInt(r.outage.reads)}`);
  row(`instances that fetched during the outage, ≥ ${s1(core.REGIONAL_SOURCE_DEFAULTS.attemptTimeoutMs)} before its end (of the fleet)`, (r) => `${r.outage.fetchedDuring} of ${INSTANCES}`);
  row('serving from the replica after their first fetch: p50 / p99 / max', (r) => `${ms1(percentile(r.outage.failoverMs, 50))} / ${ms1(percentile(r.outage.failoverMs, 99))} / ${ms1(r.outage.failoverMs.length ? Math.max(...r.outage.failoverMs) : undefined)}`);
  row('instances that fetched but stayed on the primary', (r) => String(r.outage.notMoved));
  row('every instance on the replica back on the primary after recovery', (r) => `${s1(r.outage.toPrimaryMs)} (${r.outage.onReplica} instances)`);
  row('throttled requests', (r) => String(Object.values(r.outage.ops).reduce((n, o) => n + o.throttled, 0)));

  header('Largest event-loop delay of a fleet process (high values mean the machine, not the fleet, set the pace)');
  for (const phase of ['storm', 'steady', 'rotation', 'outage']) row(phase, (r) => `${Math.round(r[phase].loopDelayMaxMs)} ms`);

  console.log('\nTargets\n');
  // A check returns true / false, or undefined where the target does not apply to the mode.
  const target = (label, f) => console.log(`| ${label} | ${results.map((r) => ({ true: 'PASS', false: 'FAIL' })[f(r)] ?? '-').join(' | ')} |`);
  const p99 = (xs) => percentile(xs, 99);
  console.log(`| target | ${modes.join(' | ')} |`);
  console.log(`| --- | ${modes.map(() => ':---:').join(' | ')} |`);
  target('deploy storm: 0 failed start-ups, no operation over its quota (0 throttled)', (r) => r.storm.failedStartups === 0 && Object.values(r.storm.ops).every((o) => o.throttled === 0));
  target(`rotation picked up fleet-wide at p99 ≤ 5 s (push) / ≤ one TTL, ${s1(TTL)} (polling)`, (r) => r.rotation.changes > 0 && r.rotation.missed === 0 && p99(r.rotation.pickups) <= (r.mode === 'polling' ? TTL : 5000));
  target(`out-of-band change picked up at p99 ≤ one watcher interval + 5 s, ${s1(WATCH_INTERVAL + 5000)} (push)`, (r) => (r.mode === 'polling' ? undefined : r.outOfBand.changes > 0 && r.outOfBand.missed === 0 && p99(r.outOfBand.pickups) <= WATCH_INTERVAL + 5000));
  target('≤ 1 change-detection call (ListSecrets) per 10 s for the whole fleet (push)', (r) => (r.mode === 'polling' ? undefined : ((r.steady.ops.ListSecrets?.requests ?? 0) * 10_000) / r.steady.windowMs <= 1));
  target('outage: 0 failed reads', (r) => r.outage.failedReads === 0);
  target('outage: every instance that fetched during it on the replica within 30 s', (r) => r.outage.fetchedDuring > 0 && r.outage.notMoved === 0 && Math.max(...r.outage.failoverMs) <= 30_000);
  target('outage: every instance back on the primary within 60 s of recovery', (r) => r.outage.onReplica > 0 && r.outage.toPrimaryMs !== undefined && r.outage.toPrimaryMs <= 60_000);
}

async function main() {
  cleanupOnSignals();
  const t0 = Date.now();
  console.log(
    `Simulated fleet: ${FLEET} instances × ${SECRETS} secrets, run as ${PROCESSES} processes × ${STORES} SecretStore instances = ${INSTANCES} ` +
      `(scale factor ${SCALE}; every quota × ${SCALE}). Regions ${PRIMARY} (primary) + ${REPLICA} (replica), secrets replicated. ` +
      `TTL ${s1(TTL)}, deploy window ${s1(DEPLOY_WINDOW)}, store startupJitterMs ${STARTUP_JITTER} (${fmtInt(STARTUP_BATCHES)} start-up BatchGetSecretValue calls at half the quota of ${AWS_QUOTAS.BatchGetSecretValue.rate}/s), crash-loop restart after ${s1(RESTART_BACKOFF)}, reads of every secret every ${READ_INTERVAL} ms. ` +
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
