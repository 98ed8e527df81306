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

// The optional drivers are loaded on first use only: importing either entry point never needs them.
const driversLoaded = `const loaded = () => Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/](pg|pg-pool|ioredis)[\\\\/]/.test(f));
require('@keyturn/core');
const afterRoot = loaded().length;
const connections = require('@keyturn/core/connections');
const afterConnections = loaded().length;
connections.loadPg().then(async (pg) => {
  const redis = await connections.loadIoRedis();
  console.log(JSON.stringify({ afterRoot, afterConnections, pg: typeof pg.Pool, redis: typeof redis.Redis, afterLoad: loaded().length > 0 }));
});
`;

it('does not load pg or ioredis until a connection helper asks for them', async () => {
  const file = join(dir, 'drivers.cjs');
  writeFileSync(file, driversLoaded);
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
  expect(JSON.parse(stdout.trim())).toEqual({ afterRoot: 0, afterConnections: 0, pg: 'function', redis: 'function', afterLoad: true });
});

it('loads @keyturn/core/connections from a plain Node ES module', async () => {
  const file = join(dir, 'connections.mjs');
  writeFileSync(file, `import { parsePostgresSecret, createRotatingClient } from '@keyturn/core/connections';
const c = parsePostgresSecret({ host: 'db', username: 'app', password: 'pw' }, 'app/db');
console.log(JSON.stringify({ host: c.host, port: c.port, json: JSON.stringify(c).includes('pw'), client: typeof createRotatingClient }));
`);
  const { stdout } = await run(process.execPath, [file], { cwd: dir, timeout: 30_000 });
  expect(JSON.parse(stdout.trim())).toEqual({ host: 'db', port: 5432, json: false, client: 'function' });
});
