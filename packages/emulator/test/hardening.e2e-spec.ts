/**
 * Hostile and malformed requests over real HTTP: payload signing, the admin route, the Host
 * check, invalid UTF-8, tag limits, slow clients and the connection cap.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand, TagResourceCommand, UntagResourceCommand, DescribeSecretCommand } from '@aws-sdk/client-secrets-manager';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, failure, raw } from './helpers';

const KEY = { accessKeyId: 'hard-key', secretAccessKey: 'hard-secret' };

/** A request signed with KEY (optionally with `x-amz-content-sha256` set before signing). */
async function signed(endpoint: string, path: string, body: string, headers: Record<string, string>, region = 'us-east-1'): Promise<{ url: string; headers: Record<string, string> }> {
  const url = new URL(path, endpoint);
  const signer = new SignatureV4({ credentials: KEY, region, service: 'secretsmanager', sha256: Sha256 });
  const req = new HttpRequest({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, ...headers }, body });
  const out = await signer.sign(req);
  return { url: url.toString(), headers: out.headers };
}

/** An HTTP request with full control of the Host header (fetch does not allow setting it). */
function withHost(endpoint: string, host: string, target: string, body: string): Promise<{ status: number; text: string }> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: Number(url.port),
        method: 'POST',
        path: '/',
        headers: {
          Host: host,
          'Content-Type': 'application/x-amz-json-1.1',
          'X-Amz-Target': `secretsmanager.${target}`,
          Authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resolves when the server closes the socket (or rejects after `ms`, so a hang fails the test instead of the run). */
function closedByServer(socket: Socket, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    const timer = setTimeout(() => reject(new Error(`the server kept the connection open for ${ms} ms`)), ms);
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

describe('SigV4 on: payload signing and the admin route', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, credentials: [KEY], maxOutageMs: 400 });
  });
  afterAll(() => emulator.stop());

  it('refuses UNSIGNED-PAYLOAD: a signed request replayed with another body creates nothing', async () => {
    const original = JSON.stringify({ Name: 'unsigned/one', SecretString: 'harmless', ClientRequestToken: 'a'.repeat(32) });
    const req = await signed(emulator.endpoint, '/', original, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.CreateSecret',
      'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    });
    const forged = JSON.stringify({ Name: 'unsigned/one', SecretString: 'attacker-value', ClientRequestToken: 'a'.repeat(32) });
    const res = await fetch(req.url, { method: 'POST', headers: req.headers, body: forged });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('InvalidSignatureException');
    const client = clientFor(emulator.endpoint, { credentials: KEY });
    try {
      expect((await client.send(new ListSecretsCommand({}))).SecretList).toEqual([]);
    } finally {
      client.destroy();
    }
  });

  it('the admin route needs a valid signature when SigV4 is on', async () => {
    const body = JSON.stringify({ operation: 'GetSecretValue', throttle: true });
    const anonymous = await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(anonymous.status).toBe(403);
    expect(emulator.faults.list()).toEqual([]);
    const get = await fetch(`${emulator.endpoint}/_keyturn/faults`);
    expect(get.status).toBe(403);
    const req = await signed(emulator.endpoint, '/_keyturn/faults', body, { 'content-type': 'application/json' });
    const ok = await fetch(req.url, { method: 'POST', headers: req.headers, body });
    expect(ok.status).toBe(200);
    expect(emulator.faults.list()).toEqual([{ operation: 'GetSecretValue', throttle: true }]);
    emulator.faults.clear();
  });

  it('an outage set over the admin route without durationMs is bounded; the API answers again after it', async () => {
    const body = JSON.stringify({ outage: true });
    const req = await signed(emulator.endpoint, '/_keyturn/faults', body, { 'content-type': 'application/json' });
    expect((await fetch(req.url, { method: 'POST', headers: req.headers, body })).status).toBe(200);
    const client = clientFor(emulator.endpoint, { credentials: KEY });
    try {
      let refused = false;
      for (let i = 0; ; i++) {
        try {
          await client.send(new ListSecretsCommand({}));
          if (refused) break;
        } catch (e) {
          refused = true;
          if (i > 500) throw e;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(refused).toBe(true);
      await expect(client.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
    } finally {
      client.destroy();
    }
  });

  it('an outage longer than the limit is refused', async () => {
    const body = JSON.stringify({ outage: true, durationMs: 10_000 });
    const req = await signed(emulator.endpoint, '/_keyturn/faults', body, { 'content-type': 'application/json' });
    expect((await fetch(req.url, { method: 'POST', headers: req.headers, body })).status).toBe(400);
    expect(emulator.faults.outage).toBe(false);
  });
});

describe('SigV4 off: admin route content type and origin, Host check, invalid UTF-8, tags, slow clients', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, allowedHosts: ['emulator.internal'], requestTimeoutMs: 1000, headersTimeoutMs: 1000, maxConnections: 4 });
  });
  afterEach(() => emulator.faults.clear());
  afterAll(() => emulator.stop());

  it('the admin route accepts only application/json (a cross-site text/plain POST sets nothing)', async () => {
    const body = JSON.stringify({ operation: 'GetSecretValue', throttle: true });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'POST', headers: { 'Content-Type': type }, body });
      expect(res.status).toBe(415);
    }
    expect(emulator.faults.list()).toEqual([]);
  });

  it('the admin route refuses requests from a browser page (Origin header)', async () => {
    const body = JSON.stringify({ throttle: true });
    const res = await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body });
    expect(res.status).toBe(403);
    expect(emulator.faults.list()).toEqual([]);
  });

  it('a foreign Host header is refused (DNS rebinding); loopback names and configured names are served', async () => {
    const port = new URL(emulator.endpoint).port;
    const foreign = await withHost(emulator.endpoint, `rebind.evil.example:${port}`, 'ListSecrets', '{}');
    expect(foreign.status).toBe(403);
    expect(foreign.text).not.toContain('SecretList');
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'emulator.internal', `EMULATOR.internal:${port}`]) {
      expect((await withHost(emulator.endpoint, host, 'ListSecrets', '{}')).status).toBe(200);
    }
  });

  it('invalid UTF-8 in the body is refused (SerializationException) and nothing is stored', async () => {
    const prefix = Buffer.from('{"Name":"utf8/bad","ClientRequestToken":"' + 'b'.repeat(32) + '","SecretString":"ab');
    const body = Buffer.concat([prefix, Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const res = await raw(emulator.endpoint, 'CreateSecret', body);
    expect(res.status).toBe(400);
    expect(res.json?.__type).toBe('SerializationException');
    const listed = await raw(emulator.endpoint, 'ListSecrets', '{}');
    expect(listed.json?.SecretList).toEqual([]);
  });

  it('CreateSecret refuses 51 tags and duplicate tag keys; TagResource refuses a 20,000-tag list before merging it', async () => {
    const client = clientFor(emulator.endpoint);
    try {
      const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
      expect((await failure(client.send(new CreateSecretCommand({ Name: 'tags/51', SecretString: 'v', Tags: tags(51) })))).name).toBe('ValidationException');
      const dup = await failure(client.send(new CreateSecretCommand({ Name: 'tags/dup', SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] })));
      expect(dup.name).toBe('InvalidParameterException');
      await client.send(new CreateSecretCommand({ Name: 'tags/50', SecretString: 'v', Tags: tags(50) }));
      expect((await failure(client.send(new TagResourceCommand({ SecretId: 'tags/50', Tags: tags(20_000).slice(1) })))).name).toBe('ValidationException');
      await client.send(new UntagResourceCommand({ SecretId: 'tags/50', TagKeys: Array.from({ length: 20_000 }, (_, i) => `k${i + 10}`) }));
      expect((await client.send(new DescribeSecretCommand({ SecretId: 'tags/50' }))).Tags?.map((t) => t.Key)).toEqual(tags(10).map((t) => t.Key));
      const listed = await client.send(new ListSecretsCommand({}));
      expect(listed.SecretList?.map((s) => s.Name)).toEqual(['tags/50']);
    } finally {
      client.destroy();
    }
  });

  it('a slow body is cut off by the request timeout', async () => {
    const url = new URL(emulator.endpoint);
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${url.port}\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: secretsmanager.ListSecrets\r\nContent-Length: 100\r\n\r\n{`);
    const answer = await closedByServer(socket, 20_000);
    expect(answer).toMatch(/^HTTP\/1\.1 408|^$/);
  });

  it('connections beyond the cap are closed at once; the API keeps serving', async () => {
    const url = new URL(emulator.endpoint);
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const s = connect(Number(url.port), url.hostname);
        await new Promise((r) => s.once('connect', r));
        s.on('error', () => undefined);
        sockets.push(s);
      }
      const extra = connect(Number(url.port), url.hostname);
      sockets.push(extra);
      await closedByServer(extra, 20_000);
    } finally {
      for (const s of sockets) s.destroy();
    }
    const client = clientFor(emulator.endpoint);
    try {
      for (let i = 0; ; i++) {
        try {
          await client.send(new ListSecretsCommand({}));
          break;
        } catch (e) {
          if (i > 100) throw e;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    } finally {
      client.destroy();
    }
  });
});

describe('Host check with a non-loopback bind', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ host: '0.0.0.0', port: 0 });
  });
  afterAll(() => emulator.stop());

  it('is off by default (containers are reached by their service name)', async () => {
    const port = new URL(emulator.endpoint).port;
    expect((await withHost(emulator.endpoint, `keyturn-emulator:${port}`, 'ListSecrets', '{}')).status).toBe(200);
  });
});

describe('GetSecretValue still works under the checks', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
  });
  afterAll(() => emulator.stop());

  it('the SDK (Host 127.0.0.1:port) is served', async () => {
    const client = clientFor(emulator.endpoint);
    try {
      await client.send(new CreateSecretCommand({ Name: 'ok/one', SecretString: 'é ü ✓' }));
      expect((await client.send(new GetSecretValueCommand({ SecretId: 'ok/one' }))).SecretString).toBe('é ü ✓');
    } finally {
      client.destroy();
    }
  });
});
