import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { cli } from './cli-harness';
import { copyValueRotation } from './copy-value-rotation';

// `keyturn secrets ...` against the emulator with the real SDK.
let emulatorServer: TestEmulator;
let sm: SecretsManagerClient;
let dir: string;
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-secrets-'));
  k = cli({ endpoint: emulatorServer.endpoint, cwd: dir });
});
afterAll(async () => {
  sm?.destroy();
  await emulatorServer?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => emulatorServer.reset());

const value = async (id: string, stage = 'AWSCURRENT') => JSON.parse((await sm.send(new GetSecretValueCommand({ SecretId: id, VersionStage: stage }))).SecretString as string);
const stages = async (id: string) => (await sm.send(new DescribeSecretCommand({ SecretId: id }))).VersionIdsToStages ?? {};

describe('secrets create', () => {
  it('creates from a JSON file plus generated keys (secure defaults), idempotently', async () => {
    writeFileSync(join(dir, 'db.json'), JSON.stringify({ username: 'app', host: 'db.internal' }));
    const r = await k('--json', 'secrets', 'create', 'app/db', '--from-json', 'db.json', '--generate', 'password=password', 'apiKey=hex:32', 'sessionKey=key32', 'id=uuid', '--description', 'db creds');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ outcome: 'created', name: 'app/db', keys: ['apiKey', 'host', 'id', 'password', 'sessionKey', 'username'] });
    const v = await value('app/db');
    expect(v.username).toBe('app');
    expect(v.password).toHaveLength(32);
    expect(v.password).not.toMatch(/[0O1lI|`'"\\/@ ]/);
    expect(v.apiKey).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(v.sessionKey, 'base64url')).toHaveLength(32);
    expect(r.stdout).not.toContain(v.password);
    expect(r.stdout).not.toContain(v.apiKey);

    const again = await k('secrets', 'create', 'app/db', '--from-json', 'db.json');
    expect(again.code).toBe(5);
    expect(again.stderr).toMatch(/already exists.*update-value/);
  });

  it('refuses an invalid JSON file without quoting it, and a missing file, with exit 2', async () => {
    writeFileSync(join(dir, 'bad.json'), '{"password": hunter2-do-not-print}');
    const bad = await k('secrets', 'create', 'app/bad', '--from-json', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json is not valid JSON/);
    expect(bad.stderr + bad.stdout).not.toContain('hunter2');
    expect((await k('secrets', 'create', 'app/bad', '--from-json', 'nope.json')).stderr).toMatch(/Cannot read nope\.json: ENOENT/);
    expect((await k('secrets', 'create', 'app/bad')).code).toBe(2);
    expect((await k('secrets', 'create', 'app/bad', '--generate', 'pw=password:8')).stderr).toMatch(/between 24 and 4096/);
    expect((await k('secrets', 'frobnicate')).code).toBe(2);
  });
});

describe('secrets list / get / get-value', () => {
  beforeEach(async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/prod/stripe', SecretString: JSON.stringify({ secretKey: 'sk_live_0123456789abcdef', webhookSecret: 'whsec_0123456789' }) }));
    await sm.send(new CreateSecretCommand({ Name: 'app/prod/plain', SecretString: 'just-a-token-value' }));
    await sm.send(new CreateSecretCommand({ Name: 'other/x', SecretString: '{}' }));
  });

  it('lists by prefix as a table and as JSON', async () => {
    const t = await k('secrets', 'list', '--prefix', 'app/prod/');
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/app\/prod\/plain/);
    expect(t.stdout).not.toMatch(/other\/x/);
    const j = (await k('secrets', 'list', '--json')).json();
    expect(j.secrets.map((s: { name: string }) => s.name)).toEqual(['app/prod/plain', 'app/prod/stripe', 'other/x']);
  });

  it('shows metadata and versions with stages, never the value', async () => {
    await sm.send(new PutSecretValueCommand({ SecretId: 'app/prod/stripe', SecretString: JSON.stringify({ secretKey: 'sk_live_new', webhookSecret: 'whsec_new' }) }));
    const j = (await k('secrets', 'get', 'app/prod/stripe', '--json')).json();
    expect(j.name).toBe('app/prod/stripe');
    expect(j.versions.map((v: { stages: string[] }) => v.stages).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
    const t = await k('secrets', 'get', 'app/prod/stripe');
    expect(t.stdout).toMatch(/AWSPREVIOUS/);
    expect(t.stdout).not.toContain('sk_live');
  });

  it('masks values unless --reveal', async () => {
    const masked = await k('secrets', 'get-value', 'app/prod/stripe');
    expect(masked.code).toBe(0);
    expect(masked.stdout).toMatch(/secretKey\s+••••••• \(24 chars\)/);
    expect(masked.stdout).not.toContain('sk_live');
    expect((await k('secrets', 'get-value', 'app/prod/stripe', 'secretKey')).stdout).toBe('secretKey  ••••••• (24 chars)\n');
    expect((await k('secrets', 'get-value', 'app/prod/plain')).stdout).toMatch(/••••••• \(18 chars\)/);
    expect((await k('secrets', 'get-value', 'app/prod/stripe', 'secretKey', '--reveal')).stdout).toBe('sk_live_0123456789abcdef\n');
    expect((await k('secrets', 'get-value', 'app/prod/plain', '--reveal')).stdout).toBe('just-a-token-value\n');
    const j = (await k('secrets', 'get-value', 'app/prod/stripe', 'webhookSecret', '--json')).json();
    expect(j).toMatchObject({ secretId: 'app/prod/stripe', key: 'webhookSecret', length: 16, masked: '••••••• (16 chars)' });
    expect(j.value).toBeUndefined();
    expect((await k('secrets', 'get-value', 'app/prod/stripe', 'webhookSecret', '--json', '--reveal')).json().value).toBe('whsec_0123456789');
  });

  it('exits 3 for a missing secret or key, naming what exists', async () => {
    const missing = await k('secrets', 'get-value', 'app/prod/nope');
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/Secret "app\/prod\/nope" was not found/);
    const key = await k('secrets', 'get-value', 'app/prod/stripe', 'password');
    expect(key.code).toBe(3);
    expect(key.stderr).toMatch(/has no key "password".*secretKey, webhookSecret/);
    const notJson = await k('secrets', 'get-value', 'app/prod/plain', 'x');
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).not.toContain('just-a-token');
    const j = await k('--json', 'secrets', 'get', 'nope');
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stderr)).toMatchObject({ error: { code: 'ResourceNotFoundException', exitCode: 3 } });
  });
});

describe('secrets update-value', () => {
  beforeEach(async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/smtp', SecretString: JSON.stringify({ username: 'mailer', password: 'old-password-value' }) }));
  });

  it('sets one key as a new version (AWSPREVIOUS keeps the old one) and skips no-op writes', async () => {
    const r = await k('--json', 'secrets', 'update-value', 'app/smtp', 'password', 'new-password-value');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ outcome: 'updated', added: false });
    expect(await value('app/smtp')).toEqual({ username: 'mailer', password: 'new-password-value' });
    expect((await value('app/smtp', 'AWSPREVIOUS')).password).toBe('old-password-value');
    const s = await stages('app/smtp');
    expect(s[out.versionId]).toEqual(['AWSCURRENT']); // the private label is gone
    expect(s[out.previousVersionId]).toEqual(['AWSPREVIOUS']);

    const same = (await k('--json', 'secrets', 'update-value', 'app/smtp', 'password', 'new-password-value')).json();
    expect(same).toMatchObject({ outcome: 'unchanged', versionId: out.versionId });
    const versions = await sm.send(new ListSecretVersionIdsCommand({ SecretId: 'app/smtp', IncludeDeprecated: true }));
    expect(versions.Versions).toHaveLength(2);
  });

  it('takes the value from --generate or --stdin', async () => {
    expect((await k('secrets', 'update-value', 'app/smtp', 'token', '--generate', 'hex:32')).code).toBe(0);
    expect((await value('app/smtp')).token).toMatch(/^[0-9a-f]{64}$/);
    const withStdin = cli({ endpoint: emulatorServer.endpoint, stdin: 'from-stdin-value\n' });
    expect((await withStdin('secrets', 'update-value', 'app/smtp', 'password', '--stdin')).code).toBe(0);
    expect((await value('app/smtp')).password).toBe('from-stdin-value');
    expect((await k('secrets', 'update-value', 'app/smtp', 'password', 'x', '--generate', 'uuid')).code).toBe(2);
  });

  it('detects a concurrent write and changes nothing (exit 5)', async () => {
    // A second writer updates the secret between our read and our stage move.
    let raced = false;
    const racing = cli({
      endpoint: emulatorServer.endpoint,
      onClient: (client) =>
        client.middlewareStack.add(
          (next, context) => async (args) => {
            if (context.commandName === 'UpdateSecretVersionStageCommand' && !raced) {
              raced = true;
              await sm.send(new PutSecretValueCommand({ SecretId: 'app/smtp', SecretString: JSON.stringify({ username: 'mailer', password: 'other-writer' }) }));
            }
            return next(args);
          },
          { step: 'initialize', name: 'raceAnotherWriter' },
        ),
    });
    const r = await racing('secrets', 'update-value', 'app/smtp', 'username', 'renamed');
    expect(raced).toBe(true);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/changed while key "username" was being updated.*run the command again/);
    expect(await value('app/smtp')).toEqual({ username: 'mailer', password: 'other-writer' });
    // Our version is left without labels (deprecated); AWSCURRENT/AWSPREVIOUS belong to the other writer.
    expect(Object.values(await stages('app/smtp')).flat().sort()).toEqual(['AWSCURRENT', 'AWSPREVIOUS']);
    // Re-running applies on top of the other writer's value.
    expect((await k('secrets', 'update-value', 'app/smtp', 'username', 'renamed')).code).toBe(0);
    expect(await value('app/smtp')).toEqual({ username: 'renamed', password: 'other-writer' });
  });

  it('exits 3 for a missing secret and 1 for a non-JSON one', async () => {
    expect((await k('secrets', 'update-value', 'app/none', 'k', 'v')).code).toBe(3);
    await sm.send(new CreateSecretCommand({ Name: 'app/text', SecretString: 'plain' }));
    const r = await k('secrets', 'update-value', 'app/text', 'k', 'v');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a JSON object/);
  });
});

describe('secrets rotate / delete / restore', () => {
  it('rotates and reports the new AWSCURRENT version', async () => {
    const fn = 'arn:aws:lambda:us-east-1:123456789012:function:copy-value';
    emulatorServer.server().registerRotationHandler(fn, copyValueRotation(sm));
    await sm.send(new CreateSecretCommand({ Name: 'app/jwt', SecretString: '{"k":"v"}' }));
    const before = Object.keys(await stages('app/jwt'))[0];
    const r = await k('--json', 'secrets', 'rotate', 'app/jwt', '--lambda-arn', fn, '--interval', '50');
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out).toMatchObject({ outcome: 'succeeded', previousVersionId: before });
    expect((await stages('app/jwt'))[out.versionId]).toContain('AWSCURRENT');
    expect((await k('secrets', 'rotate', 'app/none')).code).toBe(3);
  });

  it('schedules deletion, blocks reads (exit 5), restores; --force needs --yes', async () => {
    await sm.send(new CreateSecretCommand({ Name: 'app/old', SecretString: '{"k":"v"}' }));
    const del = (await k('--json', 'secrets', 'delete', 'app/old', '--recovery-days', '7')).json();
    expect(del.outcome).toBe('scheduled');
    expect(new Date(del.deletionDate).getTime() - Date.now()).toBeGreaterThan(6 * 86_400_000);
    const blocked = await k('secrets', 'get-value', 'app/old');
    expect(blocked.code).toBe(5);
    expect(blocked.stderr).toMatch(/keyturn secrets restore app\/old/);
    expect((await k('secrets', 'list', '--json')).json().secrets).toHaveLength(0);
    expect((await k('secrets', 'restore', 'app/old')).code).toBe(0);
    expect(await value('app/old')).toEqual({ k: 'v' });

    expect((await k('secrets', 'delete', 'app/old', '--recovery-days', '3')).code).toBe(2);
    const noYes = await k('secrets', 'delete', 'app/old', '--force');
    expect(noYes.code).toBe(2);
    expect(noYes.stderr).toMatch(/--yes/);
    expect((await k('secrets', 'delete', 'app/old', '--force', '--yes')).code).toBe(0);
    expect((await k('secrets', 'get', 'app/old')).code).toBe(3);
  });
});

describe('help and usage', () => {
  it('prints help with examples and exit codes; unknown options are usage errors', async () => {
    const root = await k('--help');
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/Exit codes:/);
    for (const c of [['secrets', 'create'], ['secrets', 'update-value'], ['secrets', 'rotate'], ['migrate-env'], ['iam-policy'], ['doctor'], ['emulator']]) {
      const h = await k(...c, '--help');
      expect(h.code).toBe(0);
      expect(h.stdout).toMatch(/Examples?:/);
    }
    const bad = await k('secrets', 'list', '--bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option/);
  });

  it('reports an unreachable endpoint with exit 7', async () => {
    const down = cli({ endpoint: 'http://127.0.0.1:9' });
    const r = await down('secrets', 'list');
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/unavailable.*--endpoint-url/);
  });
});
