// The fleet benchmark's emulator: one process, two regions (primary + replica), AWS quotas mode
// scaled by the fleet's scale factor. Creates the fleet's secrets (replicated to the replica region)
// through the API, then answers the parent's calls: request counts, faults, out-of-band writes and
// rotations. A rotation runs as in production: RotateSecret, then the emulator invokes the
// registered rotation function (@keyturn/rotation's random-key strategy), whose `onFinished` hook
// publishes the new version on the fleet's Redis bus once AWSCURRENT has moved.
import { CreateSecretCommand, PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as core from '@keyturn/core';
import { AWS_QUOTAS, startEmulator } from '@keyturn/emulator';
import { createRotationHandler, randomKey } from '@keyturn/rotation';
import { Redis } from 'ioredis';
import { countingClient } from '../../lib/harness.mjs';
import { serveCalls } from '../../lib/processes.mjs';

const ROTATION_LAMBDA = 'arn:aws:lambda:us-east-1:123456789012:function:fleet-rotate-random-key';


let emulator;
let client;
let primaryRegion;
/** The rotation function's own client, counted: its calls are not the fleet's. */
let rotationClient;
/** The fleet bus the rotation function publishes on (push mode), and its clients. */
let bus;
let busClients = [];
/** Rotations waiting for their finishSecret, by version id. */
const finished = new Map();

async function closeBus() {
  await bus?.close();
  for (const c of busClients) c.disconnect();
  bus = undefined;
  busClients = [];
}

serveCalls({
  async start({ primary, replica, quotaScale, secrets }) {
    primaryRegion = primary;
    emulator = await startEmulator({ port: 0, region: primary, regions: [replica], quotas: { scale: quotaScale }, maxConnections: 8192, logger: false });
    const config = { endpoint: emulator.endpoint, region: primary, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 20 };
    client = new SecretsManagerClient(config);
    rotationClient = countingClient(emulator.endpoint, config);
    emulator.registerRotationHandler(
      ROTATION_LAMBDA,
      createRotationHandler(randomKey({ keys: ['password'] }), {
        client: rotationClient.client,
        logger: false,
        // What a production rotation function does with a fleet bus: tell every instance now.
        onFinished: async ({ secretId, versionId }) => {
          finished.get(versionId)?.({ at: Date.now() });
          await bus?.publish({ secretId, versionId, region: primaryRegion, origin: 'rotation' });
        },
      }),
    );
    // CreateSecret is throttled like any operation: a few at a time, the SDK retrying.
    for (let i = 0; i < secrets.length; i += 4) {
      await Promise.all(
        secrets.slice(i, i + 4).map((name) => client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ name, password: 'initial' }), AddReplicaRegions: [{ Region: replica }] }))),
      );
    }
    const rates = Object.fromEntries(Object.keys(AWS_QUOTAS).map((op) => [op, AWS_QUOTAS[op].rate * quotaScale]));
    return { endpoint: emulator.endpoint, rates };
  },
  /** Connects the rotation function to the fleet's bus (push mode), or disconnects it (`redis` undefined). */
  async bus({ redis }) {
    await closeBus();
    if (!redis) return;
    const publisher = new Redis({ ...redis, maxRetriesPerRequest: 1 });
    // The bus type wants a subscriber; a publisher never subscribes, so it never connects.
    const subscriber = new Redis({ ...redis, lazyConnect: true });
    busClients = [publisher, subscriber];
    for (const c of busClients) c.on('error', () => undefined);
    bus = new core.RedisInvalidationBus({ publisher, subscriber });
  },
  reset: () => {
    emulator.requests.reset();
    for (const k of Object.keys(rotationClient.calls)) delete rotationClient.calls[k];
  },
  counts: () => emulator.requests.snapshot(),
  /** API calls the rotation function made since the last reset, by operation (every attempt counts). */
  rotationCalls: () => ({ ...rotationClient.calls }),
  fault: (spec) => emulator.faults.set(spec),
  clearFaults: ({ region }) => emulator.faults.clear(undefined, region),
  /** An out-of-band write (the fleet did not make it): resolves with the new version id and when it was acknowledged. */
  async put({ secretId, value }) {
    const out = await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    return { versionId: out.VersionId, at: Date.now() };
  },
  /**
   * RotateSecret with the random-key rotation function; resolves once finishSecret has moved
   * AWSCURRENT, with the new version id, when RotateSecret was sent and when AWSCURRENT moved.
   */
  async rotate({ secretId, timeoutMs = 60_000 }) {
    const rotateAt = Date.now();
    const out = await client.send(new RotateSecretCommand({ SecretId: secretId, RotationLambdaARN: ROTATION_LAMBDA, RotationRules: { AutomaticallyAfterDays: 30 } }));
    const done = new Promise((resolve, reject) => {
      finished.set(out.VersionId, resolve);
      setTimeout(() => reject(new Error(`rotation of ${secretId} did not finish within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    try {
      const { at } = await done;
      return { versionId: out.VersionId, rotateAt, at };
    } finally {
      finished.delete(out.VersionId);
    }
  },
});

process.once('SIGTERM', async () => {
  await closeBus();
  client?.destroy();
  rotationClient?.client.destroy();
  await emulator?.stop();
  process.exit(0);
});
