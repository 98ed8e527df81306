import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretsCommand } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, failure } from './helpers';

const KEY = { accessKeyId: 'AKIDKEYTURNLOCAL', secretAccessKey: 'local-signing-secret' };

describe('SigV4 verification', () => {
  let emulator: EmulatorServer;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, region: 'eu-central-1', credentials: [KEY] });
  });
  afterAll(() => emulator.stop());

  const withClient = async <T>(overrides: Record<string, unknown>, fn: (c: ReturnType<typeof clientFor>) => Promise<T>): Promise<T> => {
    const c = clientFor(emulator.endpoint, { region: 'eu-central-1', credentials: KEY, ...overrides });
    try {
      return await fn(c);
    } finally {
      c.destroy();
    }
  };

  it('accepts requests signed with a configured key', async () => {
    await withClient({}, async (c) => {
      await c.send(new CreateSecretCommand({ Name: 'signed/one', SecretString: 'v' }));
      expect((await c.send(new GetSecretValueCommand({ SecretId: 'signed/one' }))).SecretString).toBe('v');
    });
  });

  it('refuses a wrong secret key with InvalidSignatureException (403)', async () => {
    const err = await withClient({ credentials: { ...KEY, secretAccessKey: 'wrong' } }, (c) => failure(c.send(new ListSecretsCommand({}))));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.$metadata?.httpStatusCode).toBe(403);
  });

  it('refuses an unknown access key with UnrecognizedClientException', async () => {
    const err = await withClient({ credentials: { accessKeyId: 'AKIDOTHER', secretAccessKey: 'x' } }, (c) => failure(c.send(new ListSecretsCommand({}))));
    expect(err.name).toBe('UnrecognizedClientException');
  });

  it('refuses a request without Authorization (MissingAuthenticationTokenException, 403)', async () => {
    const res = await fetch(`${emulator.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });

  it('refuses a malformed Authorization header with IncompleteSignature (400)', async () => {
    const res = await fetch(`${emulator.endpoint}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'secretsmanager.ListSecrets', Authorization: 'AWS4-HMAC-SHA256 Credential=x' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('IncompleteSignature');
  });

  it('refuses a request dated 20 minutes off (signature expired)', async () => {
    const err = await withClient({ systemClockOffset: -20 * 60 * 1000 }, (c) => failure(c.send(new ListSecretsCommand({}))));
    expect(err.name).toBe('InvalidSignatureException');
    expect(err.message).toMatch(/expired/i);
  });

  it('refuses a credential scoped to another region', async () => {
    const err = await withClient({ region: 'us-west-2' }, (c) => failure(c.send(new ListSecretsCommand({}))));
    expect(err.name).toBe('InvalidSignatureException');
  });

  it('refuses a correctly signed request whose body was changed afterwards', async () => {
    const url = new URL(emulator.endpoint);
    const signer = new SignatureV4({ credentials: KEY, region: 'eu-central-1', service: 'secretsmanager', sha256: Sha256 });
    const signed = await signer.sign(
      new HttpRequest({
        method: 'POST',
        protocol: 'http:',
        hostname: url.hostname,
        port: Number(url.port),
        path: '/',
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.GetSecretValue' },
        body: '{"SecretId":"signed/one"}',
      }),
    );
    const send = (body: string) =>
      fetch(`${emulator.endpoint}/`, { method: 'POST', headers: signed.headers as Record<string, string>, body }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as Record<string, unknown>,
      }));
    expect((await send('{"SecretId":"signed/one"}')).json.SecretString).toBe('v');
    const tampered = await send('{"SecretId":"signed/two"}');
    expect(tampered.status).toBe(403);
    expect(tampered.json.__type).toBe('InvalidSignatureException');
  });
});
