import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { startEmulator } from '../src/index';
import { clientFor } from './helpers';

const YAML = `
secrets:
  - name: app/db
    description: Primary database
    json:
      username: app
      password: from-yaml
    tags:
      env: dev
      team: core
  - name: app/api-key
    value: plain-string
  - name: app/cert
    binary: AAEC/w==
`;

const JSON_SEED = {
  secrets: [
    { name: 'svc/stripe', value: 'sk_test_x', tags: [{ Key: 'vendor', Value: 'stripe' }] },
    { name: 'svc/smtp', json: { host: 'localhost', port: 2525 }, description: 'Mail relay' },
  ],
};

describe('seeding', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-seed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates string, JSON and binary secrets with descriptions and tags from YAML', async () => {
    const file = join(dir, 'seed.yaml');
    writeFileSync(file, YAML);
    const emulator = await startEmulator({ port: 0, seed: file });
    const client = clientFor(emulator.endpoint);
    try {
      expect(emulator.seeded).toEqual({ created: ['app/db', 'app/api-key', 'app/cert'], existing: [] });
      expect(JSON.parse((await client.send(new GetSecretValueCommand({ SecretId: 'app/db' }))).SecretString!)).toEqual({ username: 'app', password: 'from-yaml' });
      const d = await client.send(new DescribeSecretCommand({ SecretId: 'app/db' }));
      expect(d.Description).toBe('Primary database');
      expect(d.Tags).toEqual([{ Key: 'env', Value: 'dev' }, { Key: 'team', Value: 'core' }]);
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'app/api-key' }))).SecretString).toBe('plain-string');
      expect(Buffer.from((await client.send(new GetSecretValueCommand({ SecretId: 'app/cert' }))).SecretBinary!)).toEqual(Buffer.from([0, 1, 2, 255]));
    } finally {
      client.destroy();
      await emulator.stop();
    }
  });

  it('creates what is missing from a JSON file and leaves existing secrets as they are', async () => {
    const file = join(dir, 'seed.json');
    writeFileSync(file, JSON.stringify(JSON_SEED));
    const data = join(dir, 'data');
    const first = await startEmulator({ port: 0, seed: file, dataDir: data });
    const c1 = clientFor(first.endpoint);
    try {
      expect(first.seeded.created).toEqual(['svc/stripe', 'svc/smtp']);
      await c1.send(new PutSecretValueCommand({ SecretId: 'svc/stripe', SecretString: 'sk_test_changed' }));
    } finally {
      c1.destroy();
      await first.stop();
    }
    writeFileSync(file, JSON.stringify({ secrets: [...JSON_SEED.secrets, { name: 'svc/new', value: 'n' }] }));
    const second = await startEmulator({ port: 0, seed: file, dataDir: data });
    const c2 = clientFor(second.endpoint);
    try {
      expect(second.seeded).toEqual({ created: ['svc/new'], existing: ['svc/stripe', 'svc/smtp'] });
      expect((await c2.send(new GetSecretValueCommand({ SecretId: 'svc/stripe' }))).SecretString).toBe('sk_test_changed');
      expect(JSON.parse((await c2.send(new GetSecretValueCommand({ SecretId: 'svc/smtp' }))).SecretString!)).toEqual({ host: 'localhost', port: 2525 });
    } finally {
      c2.destroy();
      await second.stop();
    }
  });

  it('refuses a seed entry with two kinds of value, naming the secret', async () => {
    await expect(startEmulator({ port: 0, seed: { secrets: [{ name: 'bad/one', value: 'a', binary: 'AA==' }] } })).rejects.toThrow(/bad\/one/);
  });
});
