import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, failure } from './helpers';

describe('fault injection', () => {
  let emulator: EmulatorServer;
  let client: SecretsManagerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    client = clientFor(emulator.endpoint);
    await client.send(new CreateSecretCommand({ Name: 'faults/db', SecretString: 'v' }));
  });
  afterEach(() => emulator.faults.clear());
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
  });

  const get = () => client.send(new GetSecretValueCommand({ SecretId: 'faults/db' }));
  const describe_ = () => client.send(new DescribeSecretCommand({ SecretId: 'faults/db' }));

  it('throttles one operation with ThrottlingException (400) and leaves the others alone', async () => {
    emulator.faults.set({ operation: 'GetSecretValue', throttle: true });
    const err = await failure(get());
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    await expect(describe_()).resolves.toHaveProperty('Name', 'faults/db');
    emulator.faults.clear();
    await expect(get()).resolves.toHaveProperty('SecretString', 'v');
  });

  it('answers InternalServiceError (500) for every operation', async () => {
    emulator.faults.set({ serverError: true });
    const err = await failure(describe_());
    expect(err.name).toBe('InternalServiceError');
    expect(err.$metadata?.httpStatusCode).toBe(500);
  });

  it('delays an operation: a slower call is still pending when an undelayed one has finished', async () => {
    emulator.faults.set({ operation: 'GetSecretValue', latencyMs: 1500 });
    let settled = false;
    const slow = get().finally(() => (settled = true));
    await describe_();
    expect(settled).toBe(false);
    await expect(slow).resolves.toHaveProperty('SecretString', 'v');
  });

  it('a full outage refuses connections; clearing it listens again on the same port', async () => {
    emulator.faults.set({ outage: true });
    const err = await failure(fetch(`${emulator.endpoint}/`, { method: 'POST' }));
    expect((err as Error & { cause?: { code?: string } }).cause?.code).toBe('ECONNREFUSED');
    emulator.faults.clear();
    const c = clientFor(emulator.endpoint);
    try {
      // Re-listening is asynchronous; the first attempts may still be refused.
      for (let i = 0; ; i++) {
        try {
          await c.send(new GetSecretValueCommand({ SecretId: 'faults/db' }));
          break;
        } catch (e) {
          if (i > 50) throw e;
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    } finally {
      c.destroy();
    }
    await expect(get()).resolves.toHaveProperty('SecretString', 'v');
  });

  it('an outage of one operation resets its connections only', async () => {
    emulator.faults.set({ operation: 'GetSecretValue', outage: true });
    const err = await failure(get());
    expect(err.name).not.toMatch(/Exception$/);
    await expect(describe_()).resolves.toHaveProperty('Name', 'faults/db');
  });

  it('the admin route sets and clears faults', async () => {
    const set = await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ operation: 'DescribeSecret', throttle: true }) });
    expect(set.status).toBe(200);
    expect((await failure(describe_())).name).toBe('ThrottlingException');
    const listed = (await (await fetch(`${emulator.endpoint}/_keyturn/faults`)).json()) as { faults: unknown[] };
    expect(listed.faults).toEqual([{ operation: 'DescribeSecret', throttle: true }]);
    expect((await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'DELETE' })).status).toBe(200);
    await expect(describe_()).resolves.toHaveProperty('Name', 'faults/db');
  });

  it('an outage set over the admin route with durationMs ends by itself', async () => {
    await fetch(`${emulator.endpoint}/_keyturn/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ outage: true, durationMs: 1000 }) });
    const deadline = Date.now() + 10_000;
    let refused = false;
    let back = false;
    while (Date.now() < deadline && !back) {
      try {
        await fetch(`${emulator.endpoint}/_keyturn/faults`);
        back = refused;
      } catch {
        refused = true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(refused).toBe(true);
    expect(back).toBe(true);
  });
});
