// The fleet benchmark's emulator: one process, two regions (primary + replica), AWS quotas mode
// scaled by the fleet's scale factor. Creates the fleet's secrets (replicated to the replica region)
// through the API, then answers the parent's calls: request counts, faults, out-of-band writes.
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_QUOTAS, startEmulator } from '@keyturn/emulator';
import { serveCalls } from '../../lib/processes.mjs';

let emulator;
let client;

serveCalls({
  async start({ primary, replica, quotaScale, secrets }) {
    emulator = await startEmulator({ port: 0, region: primary, regions: [replica], quotas: { scale: quotaScale }, maxConnections: 8192, logger: false });
    client = new SecretsManagerClient({ endpoint: emulator.endpoint, region: primary, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' }, maxAttempts: 20 });
    // CreateSecret is throttled like any operation: a few at a time, the SDK retrying.
    for (let i = 0; i < secrets.length; i += 4) {
      await Promise.all(
        secrets.slice(i, i + 4).map((name) => client.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ name, password: 'initial' }), AddReplicaRegions: [{ Region: replica }] }))),
      );
    }
    const rates = Object.fromEntries(Object.keys(AWS_QUOTAS).map((op) => [op, AWS_QUOTAS[op].rate * quotaScale]));
    return { endpoint: emulator.endpoint, rates };
  },
  reset: () => emulator.requests.reset(),
  counts: () => emulator.requests.snapshot(),
  fault: (spec) => emulator.faults.set(spec),
  clearFaults: ({ region }) => emulator.faults.clear(undefined, region),
  /** An out-of-band write (the fleet did not make it): resolves with the new version id and when it was acknowledged. */
  async put({ secretId, value }) {
    const out = await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
    return { versionId: out.VersionId, at: Date.now() };
  },
});

process.once('SIGTERM', async () => {
  client?.destroy();
  await emulator?.stop();
  process.exit(0);
});
