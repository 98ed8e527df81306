#!/usr/bin/env node
// Lints what each published package would ship: publint (package.json, exports, files; suggestions
// count as failures) and @arethetypeswrong/cli (types resolve for require and import under node10,
// node16 and bundler resolution). Run after `npm run build`; exits 1 if any package has a finding.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = (name) => join(root, 'node_modules', '.bin', name);

const failed = [];
for (const ws of workspaces) {
  const dir = join(root, ws);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  for (const [tool, args] of [
    ['publint', [bin('publint'), '--strict', '--level', 'suggestion']],
    ['attw', [bin('attw'), '--pack', '.', '--format', 'ascii']],
  ]) {
    const [command, ...rest] = args;
    const r = spawnSync(command, rest, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) {
      failed.push(`${manifest.name}: ${tool}`);
      process.stderr.write(`${manifest.name}: ${tool} failed\n${r.stdout}${r.stderr}\n`);
    } else {
      process.stdout.write(`${manifest.name}: ${tool} ok\n`);
    }
  }
}
if (failed.length > 0) {
  process.stderr.write(`package checks failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
