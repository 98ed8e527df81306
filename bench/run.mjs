#!/usr/bin/env node
// `npm run bench`: builds nothing (run `npm run build` first) and runs every benchmark under bench/
// one after the other, each in its own Node process with its default settings, printing its output;
// `npm run bench -- cold-load` runs only the ones whose path contains a filter.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const benches = readdirSync(here, { recursive: true })
  // Modules under a lib/ folder are shared pieces and child processes of benchmarks, not benchmarks.
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs' && !f.split(/[\\/]/).includes('lib'))
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n=== ${relative(here, join(here, file))}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
