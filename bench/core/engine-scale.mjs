#!/usr/bin/env node
// The store at scale, Keyturn beside @aws-lambda-powertools/parameters where it has a peer,
// interleaved rounds, min / median / max:
//   1. API calls of a steady refresh cycle of N = 100 and 1,000 secrets (per TTL);
//   2. 1,000 cold tenant secrets requested in the same tick (API calls);
//   3. heap growth after 100,000 load() calls of one cached secret (needs --expose-gc);
//   4. evicting 10,000 loaded secrets one by one (ms; Powertools has no per-secret eviction).
// Run by hand after `npm run build`: node --expose-gc bench/core/engine-scale.mjs [--rounds 3] [--ttl 2000]
// The backend is the in-process emulator from @keyturn/emulator. Never part of the test suite.
import { performance } from 'node:perf_hooks';
import { SecretStore, AwsSecretsManagerSource, MemorySource } from '@keyturn/core';
import { arg, countingClient, createSecrets, fmtCalls, interleaved, loadPowertools, printTable, sleep, startBackend } from '../lib/harness.mjs';

const ROUNDS = arg('rounds', 3);
const TTL = arg('ttl', 2000);
const CYCLES = arg('cycles', 3);
const gc = globalThis.gc;
if (!gc) {
  console.error('run with node --expose-gc (bench/run.mjs passes it)');
  process.exit(1);
}

const quiet = { metrics: { openTelemetry: false } };

async function main() {
  const backend = await startBackend();
  const powertools = await loadPowertools();
  try {
    const names = Array.from({ length: 1000 }, (_, i) => `bench/scale-${String(i).padStart(4, '0')}`);
    const tenants = Array.from({ length: 1000 }, (_, i) => `bench/tenant-${String(i).padStart(4, '0')}`);
    await createSecrets(backend.endpoint, [...names, ...tenants]);

    // 1. Steady refresh cycle: after one TTL of warm-up, calls over CYCLES TTLs, per TTL.
    for (const n of [100, 1000]) {
      const ids = names.slice(0, n);
      const contenders = [
        {
          name: `Keyturn SecretStore, ${n} secrets, TTL ${TTL} ms`,
          run: async () => {
            const c = countingClient(backend.endpoint);
            const store = new SecretStore({ ...quiet, ttlMs: TTL, sources: new AwsSecretsManagerSource({ client: c.client }) });
            const entries = ids.map((id) => store.register({ ref: id }));
            await store.start();
            await sleep(TTL);
            const before = { ...c.calls };
            let sink = 0;
            // Reads keep going (they never wait) while the cycles run.
            const reader = setInterval(() => {
              for (const e of entries) sink += e.get().versionId.length;
            }, 50);
            await sleep(TTL * CYCLES);
            clearInterval(reader);
            const delta = Object.fromEntries(Object.entries(c.calls).map(([k, v]) => [k, (v - (before[k] ?? 0)) / CYCLES]).filter(([, v]) => v > 0));
            await store.stop();
            c.client.destroy();
            return { value: Object.values(delta).reduce((a, b) => a + b, 0), detail: `per TTL: ${fmtCalls(delta)}`, sink };
          },
        },
      ];
      if (powertools) {
        contenders.push({
          name: `Powertools SecretsProvider, ${n} secrets, maxAge ${TTL} ms`,
          run: async () => {
            const c = countingClient(backend.endpoint);
            const provider = new powertools.SecretsProvider({ awsSdkV3Client: c.client });
            const maxAge = TTL / 1000;
            let sink = 0;
            const readAll = async () => {
              for (const v of await Promise.all(ids.map((id) => provider.get(id, { maxAge })))) sink += v.length;
            };
            await readAll();
            let stop = false;
            const loop = (async () => {
              while (!stop) {
                await readAll();
                await sleep(50);
              }
            })();
            await sleep(TTL);
            const before = { ...c.calls };
            await sleep(TTL * CYCLES);
            const delta = Object.fromEntries(Object.entries(c.calls).map(([k, v]) => [k, (v - (before[k] ?? 0)) / CYCLES]).filter(([, v]) => v > 0));
            stop = true;
            await loop;
            c.client.destroy();
            return { value: Object.values(delta).reduce((a, b) => a + b, 0), detail: `per TTL: ${fmtCalls(delta)}`, sink };
          },
        });
      }
      printTable(`Steady refresh cycle, ${n} secrets: API calls per TTL (${CYCLES} TTLs after one TTL of warm-up)`, 'calls per TTL', await interleaved(contenders, ROUNDS));
    }

    // 2. 1,000 cold tenants requested in the same tick.
    {
      const contenders = [
        {
          name: 'Keyturn store.load() x 1,000 (same tick)',
          run: async () => {
            const c = countingClient(backend.endpoint);
            const store = new SecretStore({ ...quiet, sources: new AwsSecretsManagerSource({ client: c.client }) });
            await store.start();
            const t = performance.now();
            const entries = await Promise.all(tenants.map((id) => store.load({ ref: id, required: false })));
            const ms = performance.now() - t;
            const sink = entries.reduce((a, e) => a + e.get().versionId.length, 0);
            const batch = c.calls.BatchGetSecretValue ?? 0;
            const detail = `${fmtCalls(c.calls)}; ${ms.toFixed(0)} ms`;
            await store.stop();
            c.client.destroy();
            return { value: batch + (c.calls.GetSecretValue ?? 0), detail, sink };
          },
        },
      ];
      if (powertools) {
        contenders.push({
          name: 'Powertools SecretsProvider.get() x 1,000 (same tick)',
          run: async () => {
            const c = countingClient(backend.endpoint);
            const provider = new powertools.SecretsProvider({ awsSdkV3Client: c.client });
            const t = performance.now();
            const values = await Promise.all(tenants.map((id) => provider.get(id)));
            const ms = performance.now() - t;
            c.client.destroy();
            return { value: c.calls.GetSecretValue ?? 0, detail: `${fmtCalls(c.calls)}; ${ms.toFixed(0)} ms`, sink: values.reduce((a, v) => a + v.length, 0) };
          },
        });
      }
      printTable('1,000 cold tenant secrets requested in the same tick: secret-reading API calls', 'calls', await interleaved(contenders, ROUNDS), 0);
    }

    // 3. Heap after 100,000 load() calls of one cached secret.
    {
      const LOADS = 100_000;
      const contenders = [
        {
          name: `Keyturn store.load() x ${LOADS.toLocaleString('en')} (cached)`,
          run: async () => {
            const store = new SecretStore({ ...quiet, sources: new MemorySource({ secrets: { 'app/db': { json: { password: 'pw' } } } }) });
            await store.load({ ref: 'app/db' });
            gc();
            const before = process.memoryUsage().heapUsed;
            let sink = 0;
            for (let i = 0; i < LOADS; i++) sink += (await store.load({ ref: 'app/db' })).get().versionId.length;
            gc();
            const grown = (process.memoryUsage().heapUsed - before) / 1048576;
            await store.stop();
            return { value: grown, sink };
          },
        },
      ];
      if (powertools) {
        contenders.push({
          name: `Powertools SecretsProvider.get() x ${LOADS.toLocaleString('en')} (cached)`,
          run: async () => {
            const c = countingClient(backend.endpoint);
            const provider = new powertools.SecretsProvider({ awsSdkV3Client: c.client });
            await provider.get(names[0], { maxAge: 3600 });
            gc();
            const before = process.memoryUsage().heapUsed;
            let sink = 0;
            for (let i = 0; i < LOADS; i++) sink += (await provider.get(names[0], { maxAge: 3600 })).length;
            gc();
            const grown = (process.memoryUsage().heapUsed - before) / 1048576;
            c.client.destroy();
            return { value: grown, sink };
          },
        });
      }
      printTable(`Heap growth after ${LOADS.toLocaleString('en')} loads of one cached secret (after gc)`, 'MB', await interleaved(contenders, ROUNDS), 2);
    }

    // 4. Evicting 10,000 loaded secrets one by one.
    {
      const COUNT = 10_000;
      const ids = Array.from({ length: COUNT }, (_, i) => `tenant/${i}`);
      const secrets = Object.fromEntries(ids.map((id) => [id, { json: { id } }]));
      const contenders = [
        {
          name: `Keyturn store.evict() x ${COUNT.toLocaleString('en')}`,
          run: async () => {
            const store = new SecretStore({ ...quiet, sources: new MemorySource({ secrets }) });
            await store.start();
            const entries = await Promise.all(ids.map((id) => store.load({ ref: id, required: false })));
            const t = performance.now();
            for (const id of ids) store.evict(id);
            const ms = performance.now() - t;
            const sink = entries.length + store.states().length;
            await store.stop();
            return { value: ms, sink };
          },
        },
      ];
      printTable(`Evicting ${COUNT.toLocaleString('en')} loaded secrets one by one (no per-secret eviction in Powertools)`, 'ms', await interleaved(contenders, ROUNDS), 1);
    }
    console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} CPUs, ${ROUNDS} interleaved rounds`);
  } finally {
    await backend.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
