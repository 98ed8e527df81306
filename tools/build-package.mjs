#!/usr/bin/env node
// Builds the package in the current directory twice with tsc: CommonJS into dist/cjs and
// ES modules into dist/esm, each with its own declarations and a package.json that tells
// Node which module system the folder uses. `--app` builds CommonJS only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const app = process.argv.includes('--app');
const cwd = process.cwd();

rmSync(join(cwd, 'dist'), { recursive: true, force: true });
const builds = app ? [['tsconfig.cjs.json', 'cjs', 'commonjs']] : [['tsconfig.cjs.json', 'cjs', 'commonjs'], ['tsconfig.esm.json', 'esm', 'module']];
for (const [config, dir, type] of builds) {
  if (!existsSync(join(cwd, config))) throw new Error(`${cwd}: ${config} is missing`);
  const r = spawnSync(process.execPath, [tsc, '-p', config], { cwd, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  mkdirSync(join(cwd, 'dist', dir), { recursive: true });
  writeFileSync(join(cwd, 'dist', dir, 'package.json'), JSON.stringify({ type }) + '\n');
}
