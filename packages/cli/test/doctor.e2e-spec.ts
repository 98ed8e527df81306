import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, DeleteSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { cli } from './cli-harness';

// `keyturn doctor` against emulatorServer.
let emulatorServer: TestEmulator;
let sm: SecretsManagerClient;
let dir: string;
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-doctor-'));
  k = cli({ endpoint: emulatorServer.endpoint, cwd: dir });
});
afterAll(async () => {
  sm?.destroy();
  await emulatorServer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await emulatorServer.reset();
  await sm.send(new CreateSecretCommand({ Name: 'app/db', SecretString: JSON.stringify({ username: 'app', password: 'pw-value-1', host: 'db' }) }));
  await sm.send(new CreateSecretCommand({ Name: 'app/jwt', SecretString: JSON.stringify({ signingKey: 'jwt-value-2' }) }));
});

type Finding = { check: string; secretId?: string; status: string; detail: string };
const find = (fs: Finding[], check: string, secretId?: string) => fs.find((f) => f.check === check && f.secretId === secretId);

it('passes when every declared secret exists, loads, parses and has its keys', async () => {
  writeFileSync(join(dir, 'doctor.json'), JSON.stringify({ secrets: ['app/jwt:signingKey', { id: 'app/db', requiredKeys: ['username', 'password', 'host'] }] }));
  const r = await k('--json', 'doctor', '--config', 'doctor.json');
  expect(r.code).toBe(0);
  const out = r.json();
  expect(out).toMatchObject({ ok: true, failed: 0 });
  expect(find(out.findings, 'endpoint')?.status).toBe('ok');
  for (const id of ['app/db', 'app/jwt']) {
    for (const check of ['exists', 'loads', 'json', 'keys']) expect(find(out.findings, check, id)?.status).toBe('ok');
  }
  const text = await k('doctor', '--config', 'doctor.json');
  expect(text.code).toBe(0);
  expect(text.stdout).toMatch(/All checks passed/);
});

it('fails (exit 1) with one finding per problem', async () => {
  await sm.send(new CreateSecretCommand({ Name: 'app/text', SecretString: 'not json at all' }));
  await sm.send(new CreateSecretCommand({ Name: 'app/gone', SecretString: '{}' }));
  await sm.send(new DeleteSecretCommand({ SecretId: 'app/gone', RecoveryWindowInDays: 7 }));
  writeFileSync(
    join(dir, 'doctor.json'),
    JSON.stringify({
      secrets: [
        { id: 'app/db', requiredKeys: ['username', 'password', 'port'], rotation: true },
        { id: 'app/text', json: true },
        'app/missing',
        'app/gone',
      ],
    }),
  );
  const r = await k('--json', 'doctor', '--config', 'doctor.json');
  expect(r.code).toBe(1);
  const f = r.json().findings as Finding[];
  expect(find(f, 'keys', 'app/db')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/missing keys: port/) });
  expect(find(f, 'rotation', 'app/db')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not enabled.*--lambda-arn/) });
  expect(find(f, 'json', 'app/text')).toMatchObject({ status: 'fail' });
  expect(find(f, 'exists', 'app/missing')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/not found/) });
  expect(find(f, 'exists', 'app/gone')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/scheduled for deletion.*keyturn secrets restore app\/gone/) });
  expect(r.stdout).not.toMatch(/pw-value-1|not json at all/);
  const text = await k('doctor', '--config', 'doctor.json');
  expect(text.stdout).toMatch(/FAIL\s+keys\s+app\/db/);
  expect(text.stdout).toMatch(/checks failed/);
});

it('checks rotation where it is expected and accepts --secrets and a migrate-env mapping file', async () => {
  // Rotation needs a function; RotateImmediately=false turns it on without running it.
  const fn = 'arn:aws:lambda:us-east-1:123456789012:function:doctor-test';
  emulatorServer.server().registerRotationHandler(fn, async () => undefined);
  await sm.send(new RotateSecretCommand({ SecretId: 'app/db', RotationLambdaARN: fn, RotationRules: { AutomaticallyAfterDays: 30 }, RotateImmediately: false }));
  const r = await k('--json', 'doctor', '--secrets', 'app/db,app/jwt:signingKey', '--expect-rotation');
  expect(r.code).toBe(1);
  const f = r.json().findings as Finding[];
  expect(find(f, 'rotation', 'app/db')?.status).toBe('ok');
  expect(find(f, 'rotation', 'app/jwt')?.status).toBe('fail');
  expect(find(f, 'keys', 'app/jwt')?.status).toBe('ok');

  writeFileSync(join(dir, 'map.json'), JSON.stringify({ 'app/db': { username: 'DB_USER', dbname: 'DB_NAME' } }));
  const m = await k('--json', 'doctor', '--config', 'map.json');
  expect(m.code).toBe(1);
  expect(find(m.json().findings, 'keys', 'app/db')?.detail).toMatch(/missing keys: dbname/);
});

it('rejects an unreadable or invalid config with exit 2', async () => {
  writeFileSync(join(dir, 'broken.json'), '{"secrets": [');
  expect((await k('doctor', '--config', 'broken.json')).code).toBe(2);
  expect((await k('doctor', '--config', 'absent.json')).code).toBe(2);
  writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ secrets: [{ id: 'app/db', requiredKeys: 'password' }] }));
  const wrong = await k('doctor', '--config', 'wrong.json');
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/requiredKeys/);
  expect((await k('doctor', '--secrets', 'bad name with spaces')).code).toBe(2);
});

it('reports an unreachable endpoint as a failed check', async () => {
  const r = await cli({ endpoint: 'http://127.0.0.1:9' })('--json', 'doctor', '--secrets', 'app/db');
  expect(r.code).toBe(1);
  const f = r.json().findings as Finding[];
  expect(find(f, 'endpoint')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/unavailable/) });
  expect(find(f, 'exists', 'app/db')?.status).toBe('skipped');
});
