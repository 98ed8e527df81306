// One process of the simulated fleet: many independent SecretStore instances (one per simulated
// application instance), each with its own RegionalSource and so its own AWS SDK v3 clients (one
// per region), all registering the same secrets. It starts them at random moments of a deploy
// window, restarts the ones whose start-up failed after a crash-loop back-off (as an orchestrator
// would), reads every secret of every started instance on a timer (a read fails when get()
// throws), and reports to the parent: start-ups, version changes of the watched secret, whether
// each instance serves from the primary or the replica region, and (during an outage) its fetches
// to the primary region.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { RegionalSource, SecretStore } from '@keyturn/core';
import { serveCalls } from '../../lib/processes.mjs';
import { connectPush } from './push-mode.mjs';

const silent = { log() {}, warn() {}, error() {} };
const instances = [];
let config;
let reads = 0;
let failedReads = 0;
let readTimer;
/** Whether fetches to the primary region are reported to the parent (during an outage). */
let reportPrimaryFetches = false;
const FETCHES = new Set(['BatchGetSecretValue', 'GetSecretValue']);
// How late this process's timers run: when it is large, results are the machine's, not the fleet's.
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

const { emit } = serveCalls({
  /** Starts the instances of this process at random moments of [startAt, startAt + deployWindowMs]. */
  async start(args) {
    config = args;
    const started = [];
    for (let i = 0; i < config.stores; i++) {
      const instance = { id: config.firstId + i, store: undefined, clients: [], entries: [], region: undefined, stopPush: undefined };
      instances.push(instance);
      const delay = Math.max(0, config.startAt + randomOf(instance.id)() * config.deployWindowMs - Date.now());
      started.push(new Promise((resolve) => setTimeout(resolve, delay)).then(() => startInstance(instance)));
    }
    readTimer = setInterval(readAll, config.readIntervalMs);
    return Promise.all(started);
  },
  /** Reports (or stops reporting) each instance's fetches to the primary region. */
  reportPrimaryFetches: ({ on }) => {
    reportPrimaryFetches = on;
  },
  stats: () => ({ reads, failedReads, loopDelayMaxMs: loopDelay.max / 1e6, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 }),
  resetStats: () => {
    reads = 0;
    failedReads = 0;
    loopDelay.reset();
  },
  async stop() {
    clearInterval(readTimer);
    await Promise.all(instances.map(stopInstance));
  },
});

/**
 * The random draws of an instance: its moment in the deploy window, and its store's (start-up
 * delay, point in the refresh range). Each simulated instance stands for 1 / scale instances of
 * the real fleet, whose hundreds of independent draws spread evenly over a range at the scale of a
 * second (500 start-ups over 35 s: 43 ± 11 BatchGetSecretValue calls per second against 100/s);
 * 50 independent draws would instead clump, each carrying ten instances' calls at once. So by
 * default instance k of n draws every value within the k-th n-th of its range (slots shuffled);
 * `independentDraws` keeps plain Math.random.
 */
function randomOf(id) {
  if (config.independentDraws) return Math.random;
  const slot = config.slots[id];
  return () => (slot + Math.random()) / config.slots.length;
}

/** Starts one instance until it is up; every failed start-up is reported, then retried after the back-off. */
async function startInstance(instance) {
  const failures = [];
  for (;;) {
    const t0 = Date.now();
    // The SDK's defaults otherwise (standard retry mode, 3 attempts).
    const clients = Object.fromEntries(
      [config.primary, config.replica].map((region) => [region, new SecretsManagerClient({ endpoint: config.endpoint, region, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } })]),
    );
    const source = new RegionalSource({ regions: [config.primary, config.replica], clients });
    source.observe({
      apiCall: (operation, region) => {
        if (reportPrimaryFetches && region === config.primary && FETCHES.has(operation)) emit({ type: 'primaryFetch', instance: instance.id, at: Date.now() });
      },
    });
    const store = new SecretStore({ sources: source, ttlMs: config.ttlMs, startupJitterMs: config.startupJitterMs, random: randomOf(instance.id), logger: silent, metrics: { openTelemetry: false } });
    const entries = config.secrets.map((ref) => store.register({ ref }));
    try {
      await store.start();
      instance.store = store;
      instance.clients = Object.values(clients);
      instance.entries = entries;
      entries[0].subscribe((e) => emit({ type: 'version', instance: instance.id, versionId: e.versionId, at: Date.now() }));
      if (config.mode === 'push') instance.stopPush = await connectPush(store, { ...config, primaryClient: clients[config.primary] });
      return { instance: instance.id, ok: true, startedAt: t0, readyAt: Date.now(), failures };
    } catch (e) {
      for (const c of Object.values(clients)) c.destroy();
      failures.push({ at: t0, code: e.failures?.[0]?.error?.code ?? e.code ?? e.name });
      await new Promise((r) => setTimeout(r, config.restartBackoffMs));
    }
  }
}

async function stopInstance(instance) {
  await instance.stopPush?.();
  const store = instance.store;
  instance.store = undefined;
  await store?.stop();
  for (const c of instance.clients) c.destroy();
}

/** Reads every secret of every running instance, and reports where each instance's values come from. */
function readAll() {
  const now = Date.now();
  for (const instance of instances) {
    if (!instance.store) continue;
    for (const entry of instance.entries) {
      reads++;
      try {
        entry.get();
      } catch {
        failedReads++;
      }
    }
    const regions = new Set(instance.store.states().map((s) => s.region));
    const region = regions.size === 1 ? ([...regions][0] === config.primary ? 'primary' : 'replica') : 'mixed';
    if (region !== instance.region) {
      instance.region = region;
      emit({ type: 'region', instance: instance.id, region, at: now });
    }
  }
}

process.once('SIGTERM', async () => {
  clearInterval(readTimer);
  await Promise.allSettled(instances.map(stopInstance));
  process.exit(0);
});
