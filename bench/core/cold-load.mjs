#!/usr/bin/env node
// Cold load of 100 secrets from a private moto server: Keyturn (batched) vs the plain AWS SDK
// (100 GetSecretValue) vs @aws-lambda-powertools/parameters; then the cost of a cached read.
// Run by hand after `npm run build`: node bench/core/cold-load.mjs [--secrets 100] [--rounds 5]
// Needs `moto_server` on the PATH (pip install 'moto[server]>=5.2,<5.3'; or set MOTO_SERVER_BIN).
// Never part of the test suite.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SecretStore, AwsSecretsManagerSource } from '@keyturn/core';
import { arg, countingClient, fmtCalls } from '../lib/harness.mjs';
import { freePort } from '../lib/processes.mjs';

const N = arg('secrets', 100);
const ROUNDS = arg('rounds', 5);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];



/** A private moto server on a free port; resolves once its Secrets Manager answers. */
async function startMoto() {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(process.env.MOTO_SERVER_BIN ?? 'moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const probe = countingClient(endpoint).client;
  for (const deadline = Date.now() + 60_000; ; ) {
    if (child.exitCode !== null) throw new Error('moto_server exited; is moto installed?');
    try {
      await probe.send(new GetSecretValueCommand({ SecretId: 'probe' }));
    } catch (e) {
      if (e.name === 'ResourceNotFoundException') break;
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  probe.destroy();
  return { endpoint, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM')))) };
}

async function main() {
  const moto = await startMoto();
  const { endpoint } = moto;
  const rows = [];
  try {
    const admin = countingClient(endpoint).client;
    const names = Array.from({ length: N }, (_, i) => `bench/secret-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < names.length; i += 20) {
      await Promise.all(names.slice(i, i + 20).map((n) => admin.send(new CreateSecretCommand({ Name: n, SecretString: JSON.stringify({ i: n }) }))));
    }
    // Warm up the HTTP stack and moto once.
    await admin.send(new GetSecretValueCommand({ SecretId: names[0] }));

    // Keyturn
    {
      const times = [];
      let calls;
      for (let r = 0; r < ROUNDS; r++) {
        const c = countingClient(endpoint);
        const store = new SecretStore({ sources: new AwsSecretsManagerSource({ client: c.client }), metrics: { openTelemetry: false } });
        for (const n of names) store.register({ ref: n });
        const t = performance.now();
        await store.start();
        times.push(performance.now() - t);
        calls = c.calls;
        await store.stop();
        c.client.destroy();
      }
      rows.push({ name: 'Keyturn SecretStore.start() (batched)', calls: fmtCalls(calls), ms: median(times) });
    }

    // Plain SDK
    {
      const times = [];
      let calls;
      for (let r = 0; r < ROUNDS; r++) {
        const c = countingClient(endpoint);
        const t = performance.now();
        await Promise.all(names.map((n) => c.client.send(new GetSecretValueCommand({ SecretId: n }))));
        times.push(performance.now() - t);
        calls = c.calls;
        c.client.destroy();
      }
      rows.push({ name: 'AWS SDK v3, 100 x GetSecretValue (parallel)', calls: fmtCalls(calls), ms: median(times) });
    }

    // Powertools
    let powertools;
    try {
      powertools = await import('@aws-lambda-powertools/parameters/secrets');
    } catch (e) {
      rows.push({ name: '@aws-lambda-powertools/parameters', calls: 'skipped', ms: NaN, note: `not installed (${e.code ?? e.message})` });
    }
    if (powertools) {
      const times = [];
      let calls;
      for (let r = 0; r < ROUNDS; r++) {
        const c = countingClient(endpoint);
        const provider = new powertools.SecretsProvider({ awsSdkV3Client: c.client });
        const t = performance.now();
        await Promise.all(names.map((n) => provider.get(n)));
        times.push(performance.now() - t);
        calls = c.calls;
        c.client.destroy();
      }
      rows.push({ name: 'Powertools SecretsProvider.get() x 100 (parallel)', calls: fmtCalls(calls), ms: median(times) });
    }

    console.log(`\nCold load of ${N} secrets from moto (median of ${ROUNDS} rounds)\n`);
    console.log('| contender | API calls | wall time (ms) |');
    console.log('| --- | --- | ---: |');
    for (const r of rows) console.log(`| ${r.name} | ${r.calls}${r.note ? ` (${r.note})` : ''} | ${Number.isNaN(r.ms) ? '-' : r.ms.toFixed(1)} |`);

    // Cached reads
    const reads = [];
    {
      const c = countingClient(endpoint);
      const store = new SecretStore({ sources: new AwsSecretsManagerSource({ client: c.client }), metrics: { openTelemetry: false } });
      const entry = store.register({ ref: names[0] });
      await store.start();
      const ITER = 5_000_000;
      let sink = 0;
      for (let i = 0; i < 100_000; i++) sink += entry.get().versionId.length;
      const t = process.hrtime.bigint();
      for (let i = 0; i < ITER; i++) sink += entry.get().versionId.length;
      const ns = Number(process.hrtime.bigint() - t) / ITER;
      reads.push({ name: 'Keyturn entry.get() (sync)', ns, calls: fmtCalls(c.calls), sink });
      await store.stop();
      c.client.destroy();
    }
    if (powertools) {
      // getSecret() uses Powertools' default provider; point its client at moto the standard way.
      process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = endpoint;
      process.env.AWS_REGION = 'us-east-1';
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      const ITER = 200_000;
      let sink = 0;
      await powertools.getSecret(names[0], { maxAge: 3600 });
      for (let i = 0; i < 10_000; i++) sink += (await powertools.getSecret(names[0], { maxAge: 3600 })).length;
      const t = process.hrtime.bigint();
      for (let i = 0; i < ITER; i++) sink += (await powertools.getSecret(names[0], { maxAge: 3600 })).length;
      const ns = Number(process.hrtime.bigint() - t) / ITER;
      reads.push({ name: 'Powertools getSecret() (cached, awaited)', ns, calls: '1 GetSecretValue (first call)', sink });
    }
    console.log('\nCached read cost\n');
    console.log('| contender | ns/op |');
    console.log('| --- | ---: |');
    for (const r of reads) console.log(`| ${r.name} | ${r.ns.toFixed(1)} |`);
    console.log(`\nnode ${process.version}, ${(await import('node:os')).cpus().length} CPUs`);
  } finally {
    await moto.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
