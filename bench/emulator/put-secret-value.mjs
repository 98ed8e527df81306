#!/usr/bin/env node
// PutSecretValue throughput on one secret as its version count grows, with the crash-safe store
// (journal + snapshot, fsync per write) in a temporary directory. Prints writes per second over
// a window of `--window` writes starting at each version count in `--at`.
//   node bench/emulator/put-secret-value.mjs [--at 100,3000] [--window 200] [--emulator <path to the built package>]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { at: { type: 'string', default: '100,3000' }, window: { type: 'string', default: '200' }, emulator: { type: 'string' } } });
const levels = values.at.split(',').map(Number);
const windowSize = Number(values.window);
const { startEmulator } = require(values.emulator ? resolve(values.emulator) : '@keyturn/emulator');
const { SecretsManagerClient, CreateSecretCommand, PutSecretValueCommand } = require('@aws-sdk/client-secrets-manager');

const dir = mkdtempSync(join(tmpdir(), 'keyturn-bench-put-'));
const emulator = await startEmulator({ port: 0, dataDir: dir });
const client = new SecretsManagerClient({ endpoint: emulator.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 1 });
try {
  await client.send(new CreateSecretCommand({ Name: 'bench/one', SecretString: 'v0' }));
  let versions = 1;
  const put = () => client.send(new PutSecretValueCommand({ SecretId: 'bench/one', SecretString: `value-${versions++}-${'x'.repeat(64)}` }));
  console.log(`PutSecretValue on one secret, journal in ${dir}, fsync per write; window ${windowSize} writes`);
  for (const level of levels) {
    while (versions < level) await put();
    const started = process.hrtime.bigint();
    for (let i = 0; i < windowSize; i++) await put();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const journal = statSync(join(dir, 'journal.log')).size;
    console.log(`  at ${String(level).padStart(5)} versions: ${(windowSize / seconds).toFixed(0).padStart(6)} writes/s   (journal now ${(journal / 1024).toFixed(0)} KiB)`);
  }
} finally {
  client.destroy();
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
}
