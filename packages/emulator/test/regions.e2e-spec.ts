/**
 * One emulator, several regions: the region of a request is the one of its SigV4 scope; each
 * region has its own secrets, its own faults and its own quota buckets.
 */
import { CreateSecretCommand, DescribeSecretCommand, GetSecretValueCommand, ListSecretsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, failure } from './helpers';

describe('multi-region', () => {
  let emulator: EmulatorServer;
  let east: SecretsManagerClient;
  let west: SecretsManagerClient;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, regions: ['us-east-1', 'eu-west-1'], credentials: [{ accessKeyId: 'mr', secretAccessKey: 'mr-secret' }] });
    const credentials = { accessKeyId: 'mr', secretAccessKey: 'mr-secret' };
    east = clientFor(emulator.endpoint, { region: 'us-east-1', credentials });
    west = clientFor(emulator.endpoint, { region: 'eu-west-1', credentials });
  });
  afterEach(() => emulator.faults.clear());
  afterAll(async () => {
    east.destroy();
    west.destroy();
    await emulator.stop();
  });

  it('each region has its own secrets, with ARNs of that region', async () => {
    const a = await east.send(new CreateSecretCommand({ Name: 'mr/same-name', SecretString: 'east' }));
    const b = await west.send(new CreateSecretCommand({ Name: 'mr/same-name', SecretString: 'west' }));
    expect(a.ARN).toContain(':us-east-1:');
    expect(b.ARN).toContain(':eu-west-1:');
    expect((await east.send(new GetSecretValueCommand({ SecretId: 'mr/same-name' }))).SecretString).toBe('east');
    expect((await west.send(new GetSecretValueCommand({ SecretId: 'mr/same-name' }))).SecretString).toBe('west');
    // An ARN of another region is not found through this region's endpoint.
    expect((await failure(east.send(new GetSecretValueCommand({ SecretId: b.ARN! })))).name).toBe('ResourceNotFoundException');
  });

  it('a region that is not listed is refused', async () => {
    const c = clientFor(emulator.endpoint, { region: 'ap-south-1', credentials: { accessKeyId: 'mr', secretAccessKey: 'mr-secret' } });
    try {
      expect((await failure(c.send(new ListSecretsCommand({})))).name).toBe('InvalidSignatureException');
    } finally {
      c.destroy();
    }
  });

  it('an outage of one region resets its connections while the other region serves', async () => {
    await east.send(new CreateSecretCommand({ Name: 'mr/outage', SecretString: 'e' }));
    emulator.faults.set({ region: 'us-east-1', outage: true });
    const err = await failure(east.send(new GetSecretValueCommand({ SecretId: 'mr/outage' })));
    expect(err.name).not.toMatch(/Exception$/);
    await expect(west.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
    emulator.faults.clear(undefined, 'us-east-1');
    await expect(east.send(new GetSecretValueCommand({ SecretId: 'mr/outage' }))).resolves.toHaveProperty('SecretString', 'e');
  });

  it('a throttle fault of one region and operation leaves the other region alone', async () => {
    emulator.faults.set({ region: 'eu-west-1', operation: 'ListSecrets', throttle: true });
    expect((await failure(west.send(new ListSecretsCommand({})))).name).toBe('ThrottlingException');
    await expect(east.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
  });
});

describe('AWS quotas mode', () => {
  let emulator: EmulatorServer;
  let east: SecretsManagerClient;
  let west: SecretsManagerClient;
  beforeAll(async () => {
    // scale 0.0001: GetSecretValue 1/s, BatchGetSecretValue and ListSecrets 0.01/s (burst 1), writes 0.005/s (burst 1).
    emulator = await startEmulator({ port: 0, regions: ['us-east-1', 'eu-west-1'], quotas: { scale: 0.0001 } });
    east = clientFor(emulator.endpoint, { region: 'us-east-1' });
    west = clientFor(emulator.endpoint, { region: 'eu-west-1' });
  });
  afterAll(async () => {
    east.destroy();
    west.destroy();
    await emulator.stop();
  });

  it('answers ThrottlingException as AWS does once a bucket is empty; other operations and regions have their own buckets', async () => {
    await east.send(new ListSecretsCommand({}));
    const err = await failure(east.send(new ListSecretsCommand({})));
    expect(err.name).toBe('ThrottlingException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
    expect(err.message).toBe('Rate exceeded');
    await expect(west.send(new ListSecretsCommand({}))).resolves.toHaveProperty('SecretList');
    await expect(east.send(new CreateSecretCommand({ Name: 'q/one', SecretString: 'v' }))).resolves.toHaveProperty('ARN');
    await expect(east.send(new GetSecretValueCommand({ SecretId: 'q/one' }))).resolves.toHaveProperty('SecretString', 'v');
  });
});

describe('request counter', () => {
  it('counts the requests it answers by region and operation, throttled and failed ones apart', async () => {
    // GetSecretValue: a bucket of one request that takes about 17 minutes to refill.
    const emulator = await startEmulator({ port: 0, regions: ['us-east-1', 'eu-west-1'], quotas: { rates: { GetSecretValue: 0.001 } } });
    const east = clientFor(emulator.endpoint, { region: 'us-east-1' });
    const west = clientFor(emulator.endpoint, { region: 'eu-west-1' });
    try {
      await east.send(new CreateSecretCommand({ Name: 'count/one', SecretString: 'v' }));
      emulator.requests.reset();
      await east.send(new GetSecretValueCommand({ SecretId: 'count/one' }));
      expect((await failure(east.send(new GetSecretValueCommand({ SecretId: 'count/one' })))).name).toBe('ThrottlingException');
      expect((await failure(west.send(new DescribeSecretCommand({ SecretId: 'count/missing' })))).name).toBe('ResourceNotFoundException');
      const counts = emulator.requests.snapshot();
      expect(counts).toEqual([
        { region: 'eu-west-1', operation: 'DescribeSecret', requests: 1, throttled: 0, errors: 1, peakPerSecond: 1 },
        { region: 'us-east-1', operation: 'GetSecretValue', requests: 2, throttled: 1, errors: 0, peakPerSecond: expect.any(Number) },
      ]);
      // Two requests within one second, or one in each of two seconds.
      expect([1, 2]).toContain(counts[1].peakPerSecond);
    } finally {
      east.destroy();
      west.destroy();
      await emulator.stop();
    }
  });
});

describe('single-region default', () => {
  it('without `regions`, the default region answers requests naming any region', async () => {
    const emulator = await startEmulator({ port: 0 });
    const east = clientFor(emulator.endpoint, { region: 'us-east-1' });
    const west = clientFor(emulator.endpoint, { region: 'eu-west-1' });
    try {
      const { ARN } = await east.send(new CreateSecretCommand({ Name: 'single/one', SecretString: 'v' }));
      expect(ARN).toContain(':us-east-1:');
      expect((await west.send(new GetSecretValueCommand({ SecretId: 'single/one' }))).SecretString).toBe('v');
    } finally {
      east.destroy();
      west.destroy();
      await emulator.stop();
    }
  });
});
