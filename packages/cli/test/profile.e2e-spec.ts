import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { cli } from './cli-harness';

// `--profile <name>` behaves as AWS_PROFILE=<name>: region, endpoint_url (also through a
// `services` section) and credentials come from temporary shared config/credentials files.
let emu: TestEmulator;
let dir: string;
const saved = { config: process.env.AWS_CONFIG_FILE, credentials: process.env.AWS_SHARED_CREDENTIALS_FILE, profile: process.env.AWS_PROFILE, region: process.env.AWS_REGION };

beforeAll(async () => {
  emu = await startTestEmulator();
  const sm = new SecretsManagerClient(testClientConfig(emu.endpoint));
  await sm.send(new CreateSecretCommand({ Name: 'app/profiled', SecretString: '{"token":"t0"}' }));
  sm.destroy();
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-profile-'));
  const unreachable = 'http://127.0.0.1:1';
  writeFileSync(
    join(dir, 'config'),
    [
      '[default]',
      'region = us-west-2',
      '',
      '[profile dev]',
      'region = eu-west-1',
      `endpoint_url = ${emu.endpoint}`,
      '',
      '[profile svc]',
      'region = eu-central-1',
      'services = local',
      `endpoint_url = ${unreachable}`,
      '',
      '[services local]',
      'secrets_manager =',
      `  endpoint_url = ${emu.endpoint}`,
      '',
      '[profile ignoring]',
      'region = eu-west-3',
      `endpoint_url = ${emu.endpoint}`,
      'ignore_configured_endpoint_urls = true',
      '',
      '[profile noregion]',
      `endpoint_url = ${emu.endpoint}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'credentials'),
    ['[dev]', 'aws_access_key_id = AKIDDEVPROFILE', 'aws_secret_access_key = dev-secret', '', '[svc]', 'aws_access_key_id = AKIDSVCPROFILE', 'aws_secret_access_key = svc-secret', '', '[ignoring]', 'aws_access_key_id = AKIDIGNORING', 'aws_secret_access_key = ignoring-secret', ''].join('\n'),
  );
  process.env.AWS_CONFIG_FILE = join(dir, 'config');
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_REGION;
});
afterAll(async () => {
  for (const [k, v] of [['AWS_CONFIG_FILE', saved.config], ['AWS_SHARED_CREDENTIALS_FILE', saved.credentials], ['AWS_PROFILE', saved.profile], ['AWS_REGION', saved.region]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await emu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A run with neither --endpoint-url nor --region nor static credentials; records what the client resolved. */
function byProfile() {
  const clients: SecretsManagerClient[] = [];
  const run = cli({ endpoint: undefined, region: null, credentials: null, onClient: (c) => void clients.push(c) });
  return {
    run,
    resolved: async () => {
      const c = clients[0].config;
      return { region: await c.region(), accessKeyId: (await c.credentials()).accessKeyId };
    },
  };
}

describe('--profile', () => {
  it("takes the profile's region, endpoint_url and credentials", async () => {
    const p = byProfile();
    const r = await p.run('--cli-read-timeout', '5', '--json', '--profile', 'dev', 'secrets', 'list');
    expect(r.stderr).toBe('');
    expect(r.json().secrets.map((s: { name: string }) => s.name)).toEqual(['app/profiled']);
    expect(await p.resolved()).toEqual({ region: 'eu-west-1', accessKeyId: 'AKIDDEVPROFILE' });
  });

  it('takes the endpoint of the services section over the profile endpoint_url', async () => {
    const p = byProfile();
    const r = await p.run('--cli-read-timeout', '5', '--json', '--profile', 'svc', 'secrets', 'get', 'app/profiled');
    expect(r.code).toBe(0);
    expect(r.json().name).toBe('app/profiled');
    expect(await p.resolved()).toEqual({ region: 'eu-central-1', accessKeyId: 'AKIDSVCPROFILE' });
  });

  it('lets --endpoint-url and --region win over the profile', async () => {
    const clients: SecretsManagerClient[] = [];
    const run = cli({ endpoint: emu.endpoint, region: 'ap-south-1', credentials: null, onClient: (c) => void clients.push(c) });
    const r = await run('--profile', 'svc', 'secrets', 'get', 'app/profiled');
    expect(r.code).toBe(0);
    expect(await clients[0].config.region()).toBe('ap-south-1');
  });

  it('honours ignore_configured_endpoint_urls, and never falls back to the endpoint of another profile', async () => {
    const clients: SecretsManagerClient[] = [];
    const run = cli({ endpoint: undefined, region: null, credentials: null, onClient: (c) => void clients.push(c) });
    // Without a configured endpoint the call goes to AWS itself: unreachable here, bounded by the timeouts.
    await run('--cli-connect-timeout', '1', '--cli-read-timeout', '1', '--profile', 'ignoring', 'secrets', 'list');
    expect(await clients[0].config.region()).toBe('eu-west-3');
    expect(clients[0].config.isCustomEndpoint).toBe(false);
    process.env.AWS_PROFILE = 'dev';
    try {
      await run('--cli-connect-timeout', '1', '--cli-read-timeout', '1', '--profile', 'ignoring', 'secrets', 'list');
      expect(clients[1].config.isCustomEndpoint).toBe(false);
    } finally {
      delete process.env.AWS_PROFILE;
    }
  }, 30_000);

  it('names the profile and the files checked when the profile does not exist', async () => {
    const r = await byProfile().run('--profile', 'nope', 'secrets', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Profile "nope" was not found in ${join(dir, 'config')} ([profile nope]) or ${join(dir, 'credentials')} ([nope])`);
    expect(r.stderr).toMatch(/Profiles found: default, dev, ignoring, noregion, svc\./);
    expect(r.stderr).not.toMatch(/No AWS region/);
    const json = await byProfile().run('--json', '--profile', 'nope', 'secrets', 'list');
    expect(JSON.parse(json.stderr).error).toMatchObject({ code: 'ProfileNotFound', exitCode: 2 });
  });

  it('says which profile lacks a region', async () => {
    const r = await byProfile().run('--profile', 'noregion', 'secrets', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/No AWS region configured: profile "noregion" in .*config has no region/);
  });
});
