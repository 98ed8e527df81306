import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

// Proves the BUILT package (the ES module wrapper in dist/esm and the CommonJS build in dist/cjs) loads in plain Node, outside Jest's module mapping.
const run = promisify(execFile);
const pkgDir = resolve(__dirname, '..');
let dir: string;

beforeAll(() => {
  for (const f of ['dist/esm/index.mjs', 'dist/cjs/index.js']) {
    if (!existsSync(join(pkgDir, f))) throw new Error(`@keyturn/core is not built (${f} is missing): run \`npm run build\` first (the root \`npm test\` builds before testing)`);
  }
  // Inside the repository so that Node resolves @keyturn/core through the workspace symlink.
  dir = mkdtempSync(join(pkgDir, 'test', '.dist-load-'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const program = (load: string) => `${load}
const ref = parseSecretRef('app/db:password:AWSPREVIOUS');
const store = new SecretStore({ sources: new MemorySource({ secrets: { 'app/db': { password: 'pw' } } }), metrics: { openTelemetry: false } });
const entry = store.register({ ref: 'app/db:password', transform: (v) => v.field('password') });
store.start().then(async () => {
  console.log(JSON.stringify({ ref, value: entry.get(), state: entry.state().state, inspect: String(entry.current()).includes('[REDACTED]') }));
  await store.stop();
});
`;
const expected = { ref: { secretId: 'app/db', jsonKey: 'password', versionStage: 'AWSPREVIOUS' }, value: 'pw', state: 'fresh', inspect: true };

it('loads from a plain Node ES module', async () => {
  const file = join(dir, 'load.mjs');
  writeFileSync(file, program(`import { parseSecretRef, SecretStore, MemorySource } from '@keyturn/core';`));
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
  expect(JSON.parse(stdout.trim())).toEqual(expected);
});

it('loads from a plain Node CommonJS module', async () => {
  const file = join(dir, 'load.cjs');
  writeFileSync(file, program(`const { parseSecretRef, SecretStore, MemorySource } = require('@keyturn/core');`));
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
  expect(JSON.parse(stdout.trim())).toEqual(expected);
});
