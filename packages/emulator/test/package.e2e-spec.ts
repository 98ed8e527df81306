import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as api from '../src/index';
import { ensureBuilt, PACKAGE_DIR } from './bin';

const EXPORTS = ['AWS_QUOTAS', 'DEFAULT_CLI_PORT', 'EMULATOR_CLI_FLAGS', 'EMULATOR_DEFAULTS', 'EmulatorCliUsageError', 'FaultInjector', 'ROTATION_RETRY_DEFAULTS', 'RequestCounter', 'SeedParseError', 'ServiceError', 'StoreCorruptError', 'VERSION', 'emulatorOptionsFromFlags', 'emulatorUsage', 'parseEmulatorArgs', 'startEmulator'];

describe('package entry points', () => {
  beforeAll(() => ensureBuilt());

  it('the source entry exports exactly the public names', () => {
    expect(Object.keys(api).sort()).toEqual(EXPORTS);
  });

  it.each([
    ['CommonJS', `const m = require(${JSON.stringify(join(PACKAGE_DIR, 'dist/cjs/index.js'))}); run(m);`, 'commonjs'],
    ['ES module', `import(${JSON.stringify(join(PACKAGE_DIR, 'dist/esm/index.mjs'))}).then(run);`, 'module'],
  ])('the built %s entry starts, serves and stops', (_label, load, type) => {
    const script = `
      async function run(m) {
        const e = await m.startEmulator({ port: 0 });
        const r = await fetch(e.endpoint + '/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetRandomPassword' }, body: '{}' });
        const body = await r.json();
        await e.stop();
        console.log(JSON.stringify({ keys: Object.keys(m).filter((k) => k !== 'default' && k !== '__esModule').sort(), length: body.RandomPassword.length }));
      }
      ${load}`;
    const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out.trim())).toEqual({ keys: EXPORTS, length: 32 });
  });
});
