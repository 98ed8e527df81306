import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

// The installed `keyturn` executable (bin/keyturn.js → dist/cjs/main.js), as a real process.
const BIN = join(__dirname, '..', 'bin', 'keyturn.js');
const ENV = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

function keyturn(args: string[], env: NodeJS.ProcessEnv = ENV, nodeArgs: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

let emulator: ChildProcess | undefined;
let endpoint: string;

beforeAll(async () => {
  if (!existsSync(join(__dirname, '..', 'dist', 'cjs', 'main.js'))) throw new Error('packages/cli is not built: run `npm run build` first');
  emulator = spawn(process.execPath, [BIN, 'emulator', '--port', '0', '--json'], { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: emulator!.stdout! });
    rl.once('line', (l) => resolve(l));
    emulator!.once('exit', (c) => reject(new Error(`keyturn emulator exited with ${c}`)));
  });
  endpoint = JSON.parse(firstLine).endpoint;
});
afterAll(() => {
  if (emulator && emulator.exitCode === null) emulator.kill('SIGKILL');
});

it('prints help and version with exit 0, usage errors with exit 2', async () => {
  const help = await keyturn(['--help']);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/Usage: keyturn/);
  expect((await keyturn(['--version'])).stdout.trim()).toBe('0.1.0');
  expect((await keyturn(['secrets', 'get'])).code).toBe(2);
});

it('runs commands against `keyturn emulator` and stops it cleanly on SIGTERM', async () => {
  const base = ['--endpoint-url', endpoint];
  expect((await keyturn([...base, 'secrets', 'create', 'bin/test', '--generate', 'token=hex:32'])).code).toBe(0);
  const list = await keyturn([...base, '--json', 'secrets', 'list']);
  expect(list.code).toBe(0);
  expect(JSON.parse(list.stdout).secrets.map((s: { name: string }) => s.name)).toEqual(['bin/test']);
  const doctor = await keyturn([...base, 'doctor', '--secrets', 'bin/test:token,bin/other:x']);
  expect(doctor.code).toBe(1);
  expect(doctor.stdout).toMatch(/OK\s+keys\s+bin\/test/);
  expect((await keyturn([...base, 'secrets', 'get', 'bin/missing'])).code).toBe(3);

  const exited = new Promise<number | null>((resolve) => emulator!.once('exit', (code) => resolve(code)));
  emulator!.kill('SIGTERM');
  expect(await exited).toBe(0);
});

it("does not print the AWS SDK's Node.js version notice, and leaves other warnings alone", async () => {
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _off, ...env } = ENV;
  const dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-warn-'));
  const other = join(dir, 'other-warning.js');
  writeFileSync(other, "process.emitWarning('an unrelated warning', 'CanaryWarning');\n");
  try {
    const r = await keyturn(['--endpoint-url', 'http://127.0.0.1:1', 'secrets', 'list'], env, ['--require', other]);
    expect(r.code).toBe(7);
    expect(r.stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
    expect(r.stderr).toMatch(/CanaryWarning: an unrelated warning/);
    // Asked for explicitly, the notice is the SDK's to print again.
    const asked = await keyturn(['--endpoint-url', 'http://127.0.0.1:1', 'secrets', 'list'], { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'false' });
    if (Number(process.versions.node.split('.')[0]) < 22) expect(asked.stderr).toMatch(/NodeVersionSupportWarning/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
