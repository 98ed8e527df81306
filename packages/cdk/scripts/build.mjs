#!/usr/bin/env node
// Builds @keyturn/cdk: the CommonJS library and its ES module entry that re-exports it (both by
// tools/build-package.mjs, so an application mixing `import` and `require` gets one copy of the
// construct classes), and one self-contained bundle per rotation strategy of @keyturn/rotation,
// built from its compiled `dist`, in dist/lambda/<strategy>/index.js (the code of the rotation functions, used as a
// Lambda asset; no bundling, Docker or network at synthesis time).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const STRATEGIES = ['postgres-single-user', 'postgres-alternating-users', 'redis-acl-user', 'random-key'];
// The drivers a strategy never loads. @keyturn/core/connections keeps the one loader of each
// optional driver (a dynamic import that esbuild would otherwise bundle into every function);
// marking the unused ones external keeps each bundle to what its strategy runs.
const UNUSED_DRIVERS = {
  'postgres-single-user': ['ioredis'],
  'postgres-alternating-users': ['ioredis'],
  'redis-acl-user': ['pg'],
  'random-key': ['pg', 'ioredis'],
};

const tsc = spawnSync(process.execPath, [join(root, '..', '..', 'tools', 'build-package.mjs')], { cwd: root, stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const { buildSync } = require('esbuild');
for (const strategy of STRATEGIES) {
  const entry = require.resolve(`@keyturn/rotation/lambda/${strategy}`, { paths: [root] });
  buildSync({
    entryPoints: [entry],
    outfile: join(root, 'dist', 'lambda', strategy, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: false,
    sourcemap: false,
    legalComments: 'eof',
    // Optional native or telemetry modules the handlers never need in Lambda.
    external: ['pg-native', '@opentelemetry/api', ...UNUSED_DRIVERS[strategy]],
    logLevel: 'warning',
  });
}
process.stdout.write(`@keyturn/cdk: bundled ${STRATEGIES.length} rotation functions into dist/lambda\n`);
