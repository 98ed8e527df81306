/**
 * 2,400 malformed requests from a seeded generator (reproducible: the seed is fixed) over raw
 * HTTP: none may answer 5xx, and nothing they carry may be stored.
 */
import { request as httpRequest } from 'node:http';
import { startEmulator, type EmulatorServer } from '../src/index';
import { prng, raw } from './helpers';


const OPERATIONS = ['CreateSecret', 'GetSecretValue', 'PutSecretValue', 'UpdateSecret', 'TagResource', 'UntagResource', 'BatchGetSecretValue', 'ListSecrets', 'DescribeSecret', 'DeleteSecret', 'RotateSecret', 'UpdateSecretVersionStage', 'PutResourcePolicy', 'ValidateResourcePolicy', 'ReplicateSecretToRegions', 'GetRandomPassword', 'Nope', ''];

function send(endpoint: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const req = httpRequest({ host: url.hostname, port: Number(url.port), method: 'POST', path: '/', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

describe('fuzz: malformed requests', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.stop());

  it('2,400 seeded malformed requests: 0 answers 5xx, nothing invalid stored', async () => {
    const rand = prng(0x5eed1234);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const junk = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
    const values: unknown[] = [null, true, 0, -1, 1e308, 'x', '', 'a'.repeat(70_000), [], {}, [1, 'a'], { a: { b: [] } }, '\u0000', '\ud800', 'é'.repeat(40_000)];
    const member = () => pick(['Name', 'SecretId', 'SecretString', 'SecretBinary', 'Tags', 'TagKeys', 'ClientRequestToken', 'VersionStages', 'Filters', 'MaxResults', 'NextToken', 'SecretIdList', 'RotationRules', 'ResourcePolicy', 'AddReplicaRegions', 'PasswordLength', '__proto__', 'constructor']);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2400; i++) {
      const kind = Math.floor(rand() * 6);
      let body: Buffer;
      if (kind === 0) body = junk(Math.floor(rand() * 64));
      else if (kind === 1) {
        // valid JSON with wrong types and sizes
        const o: Record<string, unknown> = {};
        for (let k = Math.floor(rand() * 5); k > 0; k--) o[member()] = pick(values);
        body = Buffer.from(JSON.stringify(o));
      } else if (kind === 2) {
        // JSON with invalid UTF-8 inside a string
        body = Buffer.concat([Buffer.from(`{"Name":"fz/${i}","SecretString":"`), junk(4).map((b) => b | 0x80), Buffer.from('"}')]);
      } else if (kind === 3) {
        // truncated JSON
        const full = JSON.stringify({ Name: `fz/${i}`, SecretString: 'v', Tags: [{ Key: 'k', Value: 'v' }] });
        body = Buffer.from(full.slice(0, Math.floor(rand() * full.length)));
      } else if (kind === 4) {
        // deep nesting
        const depth = 1 + Math.floor(rand() * 5000);
        body = Buffer.from('['.repeat(depth) + ']'.repeat(depth));
      } else {
        // bad tag lists and names
        body = Buffer.from(JSON.stringify({ Name: pick(['', ' ', 'a b', 'x'.repeat(600), `fz/${i}\u0000`]), SecretString: 'v', Tags: Array.from({ length: Math.floor(rand() * 80) }, () => ({ Key: pick(['', 'k', 'x'.repeat(200)]), Value: pick(['', 'v', 1]) })) }));
      }
      const headers: Record<string, string> = {
        Host: new URL(emulator.endpoint).host,
        'Content-Type': pick(['application/x-amz-json-1.1', 'application/x-amz-json-1.1', 'text/plain', '']),
        'X-Amz-Target': `secretsmanager.${pick(OPERATIONS)}`,
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
      };
      if (rand() < 0.05) headers['X-Amz-Target'] = junk(8).toString('latin1').replace(/[^\x21-\x7e]/g, 'x');
      const status = await send(emulator.endpoint, headers, body);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect([...statuses.keys()].filter((s) => s >= 500 || s < 0)).toEqual([]);
    const listed = await raw(emulator.endpoint, 'ListSecrets', '{}');
    const stored = (listed.json?.SecretList ?? []) as { Name: string; Tags?: unknown[] }[];
    // Whatever was accepted is valid: a name of the allowed characters, at most 50 tags.
    for (const s of stored) {
      expect(s.Name).toMatch(/^[A-Za-z0-9/_+=.@-]{1,512}$/);
      expect((s.Tags ?? []).length).toBeLessThanOrEqual(50);
      const value = await raw(emulator.endpoint, 'GetSecretValue', JSON.stringify({ SecretId: s.Name }));
      if (typeof value.json?.SecretString === 'string') expect(value.json.SecretString).not.toContain('\ufffd');
    }
  });
});
