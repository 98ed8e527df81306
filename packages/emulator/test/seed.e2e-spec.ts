import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DescribeSecretCommand, GetSecretValueCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SeedParseError, startEmulator } from '../src/index';
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

  // Canary: the syntax error sits right next to a secret-looking value; no part of it may be reported.
  const CANARY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
  const expectNoCanary = (err: unknown): void => {
    for (const text of [String(err), (err as Error).stack ?? '', inspect(err, { depth: 5 }), JSON.stringify(err)]) {
      expect(text).not.toContain(CANARY.slice(0, 8));
      expect(text).not.toContain(CANARY.slice(-8));
    }
  };

  it.each([
    ['broken.json', `{\n  "secrets": [\n    { "name": "svc/stripe", "value": ${CANARY} }\n  ]\n}\n`, /broken\.json: not valid JSON at line 3, column 38 \(unexpected character\)/],
    ['missing-comma.json', `{"secrets": [{"name": "svc/stripe" "value": "${CANARY}"}]}`, /missing-comma\.json: not valid JSON at line 1, column 36 \(expected ',' or '}' after a property value\)/],
    ['broken.yaml', `secrets:\n  - name: svc/stripe\n    value: "${CANARY}\n`, /broken\.yaml: not valid YAML at line 4, column 1 \(missing char\)/],
    ['indent.yaml', `secrets:\n  - name: svc/stripe\n    value: ${CANARY}\n   json: {a: [${CANARY}\n`, /indent\.yaml: not valid YAML at line \d+, column \d+ \(/],
  ])('reports a syntax error in %s by file and position only, never the text around it', async (name, text, expected) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    const err = await startEmulator({ port: 0, seed: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedParseError);
    expect(err).toBeInstanceOf(SyntaxError);
    expect((err as SeedParseError).file).toBe(file);
    expect((err as Error).message).toMatch(expected);
    expect((err as Error).message).toContain(file);
    expect((err as Error).cause).toBeUndefined();
    expectNoCanary(err);
  });
});
