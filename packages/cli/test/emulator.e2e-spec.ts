import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { EMULATOR_CLI_FLAGS, startEmulator, type EmulatorServer, type RotationEvent } from '@keyturn/emulator';
import { cli } from './cli-harness';

// SigV4 credential checks and RotateSecret driving a real rotation function.
const GOOD = { accessKeyId: 'ops', secretAccessKey: 'ops-secret-key' };
const OK_FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-key';
const FAILING_FN = 'arn:aws:lambda:us-east-1:123456789012:function:rotate-broken';

let emu: EmulatorServer;
let sm: SecretsManagerClient;
let dir: string;
let k: ReturnType<typeof cli>;

/** A random-key rotation function following the four-step contract. */
async function rotateKey(event: RotationEvent): Promise<void> {
  const { SecretId, ClientRequestToken: token, Step } = event;
  if (Step === 'createSecret') {
    const current = JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId }))).SecretString as string);
    try {
      await sm.send(new GetSecretValueCommand({ SecretId, VersionId: token, VersionStage: 'AWSPENDING' }));
    } catch {
      const next = { ...current, signingKey: randomBytes(32).toString('base64url') };
      await sm.send(new PutSecretValueCommand({ SecretId, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: ['AWSPENDING'] }));
    }
  } else if (Step === 'finishSecret') {
    const d = await sm.send(new DescribeSecretCommand({ SecretId }));
    const current = Object.entries(d.VersionIdsToStages ?? {}).find(([, s]) => s.includes('AWSCURRENT'))?.[0];
    if (current !== token) await sm.send(new UpdateSecretVersionStageCommand({ SecretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: current }));
  }
}

async function brokenRotation(event: RotationEvent): Promise<void> {
  if (event.Step === 'setSecret') throw new Error('cannot reach the database');
  if (event.Step === 'createSecret') await rotateKey(event);
}

beforeAll(async () => {
  emu = await startEmulator({ credentials: [GOOD], rotationHandlers: { [OK_FN]: rotateKey, [FAILING_FN]: brokenRotation } });
  sm = new SecretsManagerClient({ endpoint: emu.endpoint, region: 'us-east-1', credentials: GOOD, maxAttempts: 1 });
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-emu-'));
  k = cli({ endpoint: emu.endpoint, credentials: GOOD, cwd: dir });
  await sm.send(new CreateSecretCommand({ Name: 'app/jwt', SecretString: JSON.stringify({ signingKey: 'initial-signing-key-value' }) }));
});
afterAll(async () => {
  sm?.destroy();
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('credentials refused (SigV4)', () => {
  const wrong = () => cli({ endpoint: emu.endpoint, credentials: { accessKeyId: 'ops', secretAccessKey: 'wrong-secret' } });
  const unknown = () => cli({ endpoint: emu.endpoint, credentials: { accessKeyId: 'intruder', secretAccessKey: 'x' } });

  it('exits 4 and says which credentials to check, for every command that calls AWS', async () => {
    for (const run of [wrong(), unknown()]) {
      for (const args of [['secrets', 'list'], ['secrets', 'get', 'app/jwt'], ['secrets', 'get-value', 'app/jwt'], ['secrets', 'update-value', 'app/jwt', 'x', 'y'], ['secrets', 'create', 'app/new', '--generate', 'k=uuid']]) {
        const r = await run(...args);
        expect({ args, code: r.code }).toEqual({ args, code: 4 });
        expect(r.stderr).toMatch(/credentials were rejected.*--profile.*AWS_ACCESS_KEY_ID/);
      }
    }
    const j = await wrong()('--json', 'secrets', 'get', 'app/jwt');
    expect(JSON.parse(j.stderr).error).toMatchObject({ exitCode: 4, code: expect.stringMatching(/Signature|Unrecognized/) });
  });

  it('doctor reports rejected credentials as a failed check', async () => {
    const r = await wrong()('--json', 'doctor', '--secrets', 'app/jwt');
    expect(r.code).toBe(1);
    expect(r.json().findings[0]).toMatchObject({ check: 'endpoint', status: 'fail' });
  });

  it('uses --profile from the shared credentials file', async () => {
    const creds = join(dir, 'credentials');
    writeFileSync(creds, `[good]\naws_access_key_id = ${GOOD.accessKeyId}\naws_secret_access_key = ${GOOD.secretAccessKey}\n\n[bad]\naws_access_key_id = ops\naws_secret_access_key = nope\n`);
    writeFileSync(join(dir, 'config'), '');
    const saved = { c: process.env.AWS_SHARED_CREDENTIALS_FILE, f: process.env.AWS_CONFIG_FILE };
    process.env.AWS_SHARED_CREDENTIALS_FILE = creds;
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    try {
      const byProfile = cli({ endpoint: emu.endpoint, credentials: null });
      expect((await byProfile('--profile', 'good', 'secrets', 'list', '--json')).json().secrets.map((s: { name: string }) => s.name)).toContain('app/jwt');
      expect((await byProfile('--profile', 'bad', 'secrets', 'list')).code).toBe(4);
      const missing = await byProfile('--profile', 'absent', 'secrets', 'list');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/Profile "absent" was not found in .*config .*credentials.*Profiles found: bad, good/);
    } finally {
      for (const [k2, v] of [['AWS_SHARED_CREDENTIALS_FILE', saved.c], ['AWS_CONFIG_FILE', saved.f]] as const) {
        if (v === undefined) delete process.env[k2];
        else process.env[k2] = v;
      }
    }
  });
});

describe('secrets rotate with a rotation function', () => {
  it('waits until the new version is AWSCURRENT', async () => {
    const r = await k('--json', 'secrets', 'rotate', 'app/jwt', '--lambda-arn', OK_FN, '--after-days', '30', '--interval', '50', '--timeout', '20');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.outcome).toBe('succeeded');
    const now = await sm.send(new GetSecretValueCommand({ SecretId: 'app/jwt' }));
    expect(now.VersionId).toBe(out.versionId);
    expect(JSON.parse(now.SecretString as string).signingKey).not.toBe('initial-signing-key-value');
    expect(r.stdout).not.toContain(JSON.parse(now.SecretString as string).signingKey);
    // Progress: one JSON object per line on stderr, stdout keeps the single result document.
    const events = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['checked', 'started', 'succeeded']));
    expect(events.find((e) => e.event === 'started')).toMatchObject({ progress: 'secrets rotate', secretId: 'app/jwt', versionId: out.versionId });
    const d = await sm.send(new DescribeSecretCommand({ SecretId: 'app/jwt' }));
    expect(d).toMatchObject({ RotationEnabled: true, RotationLambdaARN: OK_FN });
    // The configured function is reused.
    const again = await k('secrets', 'rotate', 'app/jwt', '--interval', '50');
    expect(again.stdout).toMatch(/Rotated app\/jwt: version .* is AWSCURRENT/);
    expect(again.stderr).toMatch(/^Checking app\/jwt: AWSCURRENT on version \S+\.\nRotation of app\/jwt started: pending version \S+ \(AWSPENDING\)/);
    expect(again.stderr).toMatch(/AWSCURRENT moved to version \S+ after [\d.]+ s\.\n$/);
  });

  it('times out (exit 6) when the function fails, then refuses a new rotation (exit 5)', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/fragile', SecretString: JSON.stringify({ signingKey: 'fragile-initial' }) }));
    const r = await k('--json', 'secrets', 'rotate', 'app/fragile', '--lambda-arn', FAILING_FN, '--interval', '50', '--timeout', '1');
    expect(r.code).toBe(6);
    expect(r.json()).toMatchObject({ outcome: 'timeout' });
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.event ?? 'error')).toEqual(['checked', 'started', 'waiting', 'error']);
    expect(lines[2].message).toMatch(/Waiting for the rotation function: AWSPENDING on version \S+, AWSCURRENT still on version \S+ \([\d.]+ s of 1 s\)/);
    expect(lines[3].error.message).toMatch(/did not finish within 1 s: AWSPENDING is on/);
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'app/fragile' }))).SecretString).toContain('fragile-initial');
    const again = await k('secrets', 'rotate', 'app/fragile', '--interval', '50');
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/Rotation of "app\/fragile" is unfinished: AWSPENDING is on version .*keyturn secrets rotate app\/fragile --resume/);
    const doctor = await k('--json', 'doctor', '--secrets', 'app/fragile', '--expect-rotation');
    expect(doctor.json().findings.find((f: { check: string }) => f.check === 'rotation')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^unfinished rotation: AWSPENDING holds the working credentials .*keyturn secrets rotate app\/fragile --resume/),
    });
  });

  it('reports a function Secrets Manager cannot invoke as access denied (exit 4)', async () => {
    const r = await k('secrets', 'rotate', 'app/jwt', '--lambda-arn', 'arn:aws:lambda:us-east-1:123456789012:function:not-registered');
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/Access denied starting a rotation of "app\/jwt".*lambda:InvokeFunction/);
  });
});

describe('keyturn emulator', () => {
  it('exits 7 when the port is taken', async () => {
    const r = await k('emulator', '--port', String(emu.port));
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/in use: pick another with --port/);
  });

  it('takes the same flags as the keyturn-emulator bin (one parser)', async () => {
    const r = await k('emulator', '--help');
    expect(r.code).toBe(0);
    for (const f of EMULATOR_CLI_FLAGS) if (!['region', 'help', 'version'].includes(f.name)) expect(r.stdout).toContain(`--${f.name}`);
    const bad = await k('emulator', '--port', '0', '--credentials', 'nocolon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--credentials takes <accessKeyId>:<secretAccessKey>');
  });
});

describe('throttling and outages', () => {
  afterEach(() => emu.faults.clear());

  it('exits 7 when the service throttles', async () => {
    emu.faults.set({ operation: 'ListSecrets', throttle: true });
    const r = await k('secrets', 'list');
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/ThrottlingException.*retry/);
  });
});
