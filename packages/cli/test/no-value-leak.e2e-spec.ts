import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { run, type CliIo } from '../src/index.js';
import { copyValueRotation } from './copy-value-rotation';
import { CapturedOutput, cli } from './cli-harness';

// Canary: run every command (successes and failures) without --reveal and check that no
// secret value appears in anything written to stdout or stderr.
const CANARY = 'CANARY-7f3a9c-value';
const canary = (n: number) => `${CANARY}-${n}`;

let emulatorServer: TestEmulator;
const ROTATION_FN = 'arn:aws:lambda:us-east-1:123456789012:function:no-value-leak';
let sm: SecretsManagerClient;
let dir: string;
const transcript: string[] = [];

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-canary-'));
});
afterAll(async () => {
  sm?.destroy();
  await emulatorServer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('prints no value without --reveal, in any command or error', async () => {
  const k = cli({ endpoint: emulatorServer.endpoint, cwd: dir, transcript });
  await sm.send(new CreateSecretCommand({ Name: 'c/db', SecretString: JSON.stringify({ username: 'app', password: canary(1), port: 5432 }) }));
  await sm.send(new CreateSecretCommand({ Name: 'c/plain', SecretString: canary(2) }));
  await sm.send(new CreateSecretCommand({ Name: 'c/binary', SecretBinary: Buffer.from(canary(3)) }));
  await sm.send(new CreateSecretCommand({ Name: 'c/rot', SecretString: JSON.stringify({ key: canary(14) }) }));
  emulatorServer.server().registerRotationHandler(ROTATION_FN, copyValueRotation(sm));
  writeFileSync(join(dir, 'in.json'), JSON.stringify({ apiKey: canary(4) }));
  writeFileSync(join(dir, 'broken.json'), `{"apiKey": ${canary(5)}}`);
  writeFileSync(join(dir, '.env'), `DB_PASSWORD="${canary(6)}"\nSTRIPE_SECRET_KEY=${canary(7)}\nexport JWT_SECRET='${canary(8)}'\n`);
  writeFileSync(join(dir, 'doctor.json'), JSON.stringify({ secrets: [{ id: 'c/db', requiredKeys: ['password', 'host'] }, 'c/plain', { id: 'c/plain', json: true }, 'c/binary'] }));
  writeFileSync(join(dir, 'seed.json'), `{"secrets": [{"name": "s", "value": "${canary(9)}"}`);
  const stdin = cli({ endpoint: emulatorServer.endpoint, cwd: dir, transcript, stdin: canary(10) });

  const codes: Record<string, number> = {};
  const step = async (...args: string[]) => {
    codes[args.join(' ')] = (await k(...args)).code;
  };
  for (const json of [[], ['--json']]) {
    await step(...json, 'secrets', 'list');
    await step(...json, 'secrets', 'get', 'c/db');
    await step(...json, 'secrets', 'get-value', 'c/db');
    await step(...json, 'secrets', 'get-value', 'c/db', 'password');
    await step(...json, 'secrets', 'get-value', 'c/db', 'port');
    await step(...json, 'secrets', 'get-value', 'c/plain');
    await step(...json, 'secrets', 'get-value', 'c/plain', 'key');
    await step(...json, 'secrets', 'get-value', 'c/binary');
    await step(...json, 'secrets', 'get-value', 'c/db', 'nokey');
    await step(...json, 'doctor', '--config', 'doctor.json');
    await step(...json, 'migrate-env', '.env', '--prefix', `m${json.length}`, '--dry-run');
    await step(...json, 'migrate-env', '.env', '--prefix', `m${json.length}`, '--yes');
    await step(...json, 'migrate-env', '.env', '--prefix', `m${json.length}`, '--yes');
    await step(...json, 'secrets', 'create', `c/new${json.length}`, '--from-json', 'in.json', '--generate', 'pw=password', 'k=key32');
    await step(...json, 'secrets', 'create', `c/new${json.length}`, '--from-json', 'in.json');
    await step(...json, 'secrets', 'create', 'c/broken', '--from-json', 'broken.json');
    await step(...json, 'secrets', 'update-value', 'c/db', 'password', '--generate', 'password');
    await step(...json, 'secrets', 'update-value', 'c/db', 'extra', canary(11));
    await step(...json, 'secrets', 'update-value', 'c/plain', 'key', canary(12));
    await step(...json, 'secrets', 'rotate', 'c/rot', '--lambda-arn', ROTATION_FN, '--no-wait');
    await step(...json, 'iam-policy', '--secrets', 'doctor.json', '--account', '123456789012');
    await step(...json, 'emulator', '--port', '0', '--seed', 'seed.json');
    codes[`stdin ${json.length}`] = (await stdin(...json, 'secrets', 'update-value', 'c/plain2', 'k', '--stdin')).code;
  }
  // The commands did run (successes and failures).
  expect(codes['secrets get-value c/db']).toBe(0);
  expect(codes['--json secrets get-value c/db password']).toBe(0);
  expect(codes[`--json secrets rotate c/rot --lambda-arn ${ROTATION_FN} --no-wait`]).toBe(0);
  expect(codes['secrets get-value c/db nokey']).toBe(3);
  expect(codes['--json migrate-env .env --prefix m1 --yes']).toBe(0);
  expect(codes['secrets create c/broken --from-json broken.json']).toBe(2);
  expect(codes['emulator --port 0 --seed seed.json']).toBe(2);
  expect(codes['doctor --config doctor.json']).toBe(1);
  expect(JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: 'c/new0' }))).SecretString as string).apiKey).toBe(canary(4));

  // Generated values are secrets too.
  const generated = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: 'c/new1' }))).SecretString as string);
  const all = transcript.join('\n');
  expect(all.length).toBeGreaterThan(2000);
  expect(all).not.toContain(CANARY);
  for (const v of [generated.pw, generated.k]) expect(all).not.toContain(v);

  // The canary is detectable: --reveal prints it.
  const revealed = await k('secrets', 'get-value', 'c/new0', 'apiKey', '--reveal');
  expect(revealed.stdout).toContain(canary(4));
});

it('runs the emulator in-process until asked to stop', async () => {
  const stdout = new CapturedOutput();
  const stderr = new CapturedOutput();
  let stop!: (s: string) => void;
  const stopped = new Promise<string>((r) => (stop = r));
  writeFileSync(join(dir, 'ok-seed.json'), JSON.stringify({ secrets: [{ name: 'seeded/one', json: { k: canary(13) } }] }));
  const io: CliIo = { stdout, stderr, cwd: dir, env: {}, untilShutdown: () => stopped };
  const done = run(['--json', 'emulator', '--port', '0', '--data', 'emu-data', '--seed', 'ok-seed.json'], io);
  for (let i = 0; i < 100 && !stdout.text().includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
  try {
    const info = JSON.parse(stdout.text().split('\n')[0]);
    expect(info).toMatchObject({ seeded: { created: ['seeded/one'] }, dataDir: join(dir, 'emu-data') });
    const k = cli({ endpoint: info.endpoint });
    expect((await k('secrets', 'get-value', 'seeded/one', 'k')).stdout).toBe(`k  ••••••• (${canary(13).length} chars)\n`);
  } finally {
    stop('SIGTERM');
  }
  expect(await done).toBe(0);
  expect(stdout.text() + stderr.text()).not.toContain(CANARY);
});
