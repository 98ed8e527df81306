import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, prng, raw } from './helpers';

/** Sends a body in chunks without Content-Length (chunked), resolving with the status or the socket error. */
function sendChunked(endpoint: string, chunks: number, chunkSize: number): Promise<number | string> {
  return new Promise((resolve) => {
    const url = new URL(endpoint);
    const req = request(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.ListSecrets' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    const chunk = Buffer.alloc(chunkSize, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('protocol: bad input gets the AWS error and the server keeps serving', () => {
  let emulator: EmulatorServer;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    client = clientFor(emulator.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
  });
  afterEach(async () => {
    // Whatever came before, the server still answers.
    await expect(client.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
  });

  it.each([
    ['malformed JSON', 'ListSecrets', '{"MaxResults": ', {}, 400, 'SerializationException'],
    ['a JSON array body', 'ListSecrets', '[1,2]', {}, 400, 'SerializationException'],
    ['a member of the wrong type', 'GetSecretValue', '{"SecretId": 5}', {}, 400, 'SerializationException'],
    ['a missing X-Amz-Target', undefined, '{}', {}, 400, 'UnknownOperationException'],
    ['an unknown operation', 'DeleteEverything', '{}', {}, 400, 'UnknownOperationException'],
    ['a target of another service', undefined, '{}', { 'X-Amz-Target': 'DynamoDB_20120810.ListTables' }, 400, 'UnknownOperationException'],
    ['a form content type', 'ListSecrets', '{}', { 'Content-Type': 'application/x-www-form-urlencoded' }, 400, 'UnknownOperationException'],
    ['a missing required member', 'DescribeSecret', '{}', {}, 400, 'ValidationException'],
    ['MaxResults out of range', 'ListSecrets', '{"MaxResults": 101}', {}, 400, 'ValidationException'],
    ['an unknown filter key', 'ListSecrets', '{"Filters":[{"Key":"colour","Values":["x"]}]}', {}, 400, 'ValidationException'],
    ['a SecretId over 2048 characters', 'GetSecretValue', JSON.stringify({ SecretId: 'x'.repeat(2049) }), {}, 400, 'ValidationException'],
    ['invalid base64 in SecretBinary', 'CreateSecret', '{"Name":"b64","SecretBinary":"***"}', {}, 400, 'SerializationException'],
    ['a bad RecoveryWindowInDays', 'DeleteSecret', '{"SecretId":"x","RecoveryWindowInDays":1}', {}, 400, 'InvalidParameterException'],
  ])('%s', async (_label, target, body, headers, status, code) => {
    const res = await raw(emulator.endpoint, target, body, headers as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.json?.__type).toBe(code);
    expect(res.headers.get('x-amzn-errortype')).toBe(code);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
  });

  it('a declared Content-Length over the limit is refused with 413 before the body is read', async () => {
    const res = await raw(emulator.endpoint, 'CreateSecret', JSON.stringify({ Name: 'big', SecretString: 'x'.repeat(1_200_000) }));
    expect(res.status).toBe(413);
    expect(res.json?.__type).toBe('RequestEntityTooLargeException');
  });

  it('a chunked body that grows past the limit is cut off with 413', async () => {
    const outcome = await sendChunked(emulator.endpoint, 64, 64 * 1024); // 4 MiB
    // The answer arrives before the client finished sending; some stacks then see the reset first.
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(outcome);
  });

  it('a 65,536-character value escaped as \\uXXXX (about 390 KB of JSON) is within the limit', async () => {
    const value = '\u0001'.repeat(65_536);
    const res = await raw(emulator.endpoint, 'CreateSecret', JSON.stringify({ Name: 'escaped', SecretString: value, ClientRequestToken: 'e'.repeat(32) }));
    expect(res.status).toBe(200);
    expect((await client.send(new GetSecretValueCommand({ SecretId: 'escaped' }))).SecretString).toBe(value);
  });
});


const OPERATIONS = [
  'CreateSecret', 'GetSecretValue', 'BatchGetSecretValue', 'DescribeSecret', 'ListSecrets', 'ListSecretVersionIds', 'PutSecretValue',
  'UpdateSecret', 'UpdateSecretVersionStage', 'RotateSecret', 'CancelRotateSecret', 'DeleteSecret', 'RestoreSecret', 'TagResource',
  'UntagResource', 'GetRandomPassword',
];
const MEMBERS = [
  'Name', 'SecretId', 'SecretString', 'SecretBinary', 'ClientRequestToken', 'VersionId', 'VersionStage', 'VersionStages', 'MoveToVersionId',
  'RemoveFromVersionId', 'Description', 'Tags', 'TagKeys', 'Filters', 'MaxResults', 'NextToken', 'SecretIdList', 'RecoveryWindowInDays',
  'ForceDeleteWithoutRecovery', 'IncludeDeprecated', 'IncludePlannedDeletion', 'SortOrder', 'SortBy', 'RotationLambdaARN', 'RotationRules',
  'RotateImmediately', 'PasswordLength', 'ExcludeCharacters', 'ExcludeNumbers', 'RequireEachIncludedType', 'KmsKeyId', 'Type',
];

describe('fuzz: random bodies at every operation', () => {
  const SEED = 20260523;
  const REQUESTS = 3000;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-fuzz-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`${REQUESTS} requests (seed ${SEED}): never a crash, never a 5xx, and the store reloads with the same data`, async () => {
    const rnd = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const names = ['fz/a', 'fz/b', 'fz/c', 'fz/d', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:fz/a', ''];
    const tokens = Array.from({ length: 6 }, (_, i) => `${i}`.repeat(36));
    const value = (depth = 0): unknown => {
      switch (Math.floor(rnd() * (depth > 1 ? 7 : 10))) {
        case 0: return pick(names);
        case 1: return pick(tokens);
        case 2: return Math.floor(rnd() * 200) - 50;
        case 3: return rnd() < 0.5;
        case 4: return null;
        case 5: return pick(['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING', 'X', '!fz', 'asc', 'name', 'all', 'AAAA', 'rate(5 days)']);
        case 6: return 'x'.repeat(Math.floor(rnd() * 80));
        case 7: return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
        case 8: return { Key: value(depth + 1), Values: [value(depth + 1)], Value: value(depth + 1) };
        default: return { [pick(MEMBERS)]: value(depth + 1) };
      }
    };
    const body = (): string | Uint8Array => {
      const r = rnd();
      if (r < 0.03) return Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
      if (r < 0.05) return '{"broken": ';
      if (r < 0.08) return String(value());
      const o: Record<string, unknown> = {};
      const n = Math.floor(rnd() * 6);
      for (let i = 0; i < n; i++) o[pick(MEMBERS)] = value();
      if (rnd() < 0.6) o.SecretId = pick(names);
      if (rnd() < 0.3) o.Name = pick(names);
      if (rnd() < 0.4) o.SecretString = `v${Math.floor(rnd() * 1000)}`;
      return JSON.stringify(o);
    };
    const emulator = await startEmulator({ port: 0, dataDir: dir, compactEvery: 200 });
    const statuses = new Map<number, number>();
    let before: unknown;
    try {
      for (let i = 0; i < REQUESTS; i += 25) {
        const batch = Array.from({ length: Math.min(25, REQUESTS - i) }, () => {
          const target = rnd() < 0.02 ? pick(['Nope', 'getSecretValue', '']) : pick(OPERATIONS);
          const headers: Record<string, string> = rnd() < 0.02 ? { 'Content-Type': pick(['text/plain', 'application/xml', '']) } : {};
          return raw(emulator.endpoint, target, body(), headers);
        });
        for (const res of await Promise.all(batch)) {
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) throw new Error(`HTTP ${res.status}: ${res.text}`);
          expect(res.status === 200 || typeof res.json?.__type === 'string').toBe(true);
        }
      }
      before = await snapshotOf(emulator.endpoint);
    } finally {
      await emulator.stop();
    }
    expect(statuses.get(200)).toBeGreaterThan(100);
    expect(Object.keys(before as object).length).toBeGreaterThan(0);
    const again = await startEmulator({ port: 0, dataDir: dir });
    try {
      expect(await snapshotOf(again.endpoint)).toEqual(before);
    } finally {
      await again.stop();
    }
  }, 120_000);
});

/** Every secret with its labels and current value, as seen over the API. */
async function snapshotOf(endpoint: string): Promise<unknown> {
  const client = clientFor(endpoint);
  try {
    const list = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, MaxResults: 100 }));
    const out: Record<string, unknown> = {};
    for (const s of list.SecretList ?? []) {
      let current: string | undefined;
      try {
        current = (await client.send(new GetSecretValueCommand({ SecretId: s.ARN }))).SecretString;
      } catch (e) {
        current = `<${(e as Error).name}>`;
      }
      out[s.ARN!] = { stages: s.SecretVersionsToStages, tags: s.Tags, description: s.Description, deleted: s.DeletedDate?.getTime(), current };
    }
    return out;
  } finally {
    client.destroy();
  }
}
