import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecretCommand, GetSecretValueCommand, ListSecretVersionIdsCommand, PutSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { freePort } from '@keyturn/testing';
import { clientFor } from './helpers';
import { ensureBuilt, startBin, type BinProcess } from './bin';

describe('durability: kill -9 during a write burst loses nothing acknowledged', () => {
  let dir: string;
  let proc: BinProcess | undefined;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'keyturn-durable-'));
  });
  afterAll(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGKILL');
      await proc.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([1, 2, 3])('round %i: every acknowledged version is there after a restart', async (round) => {
    const port = await freePort();
    proc = await startBin(['--port', String(port), '--data', dir, '--quiet', '--compact-every', '37']);
    const client = clientFor(proc.endpoint);
    const name = `burst/${round}`;
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v0' }));
    const acked = new Map<string, string>();
    const target = 120 + round * 40;
    let stop = false;
    let alive = 4;
    const writer = async (w: number) => {
      for (let i = 0; !stop; i++) {
        const value = `w${w}-${i}`;
        try {
          const out = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: value }));
          acked.set(out.VersionId!, value);
        } catch {
          return; // the server is gone
        }
      }
    };
    const writers = [0, 1, 2, 3].map((w) => writer(w).finally(() => alive--));
    // Kill while requests are in flight, without waiting for them.
    while (acked.size < target && alive > 0) await new Promise((r) => setImmediate(r));
    expect(acked.size).toBeGreaterThanOrEqual(target);
    proc.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await proc.exited;
    client.destroy();
    if (round === 3) appendFileSync(join(dir, 'journal.log'), '0123456789abcdef {"seq":99999999,"put":{"ar'); // a torn last line

    proc = await startBin(['--port', String(port), '--data', dir, '--quiet']);
    const after = clientFor(proc.endpoint);
    try {
      const versions = await after.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true, MaxResults: 100 }));
      expect(versions.ARN).toBeDefined();
      for (const [versionId, value] of acked) {
        const got = await after.send(new GetSecretValueCommand({ SecretId: name, VersionId: versionId }));
        expect(got.SecretString).toBe(value);
      }
      const current = await after.send(new GetSecretValueCommand({ SecretId: name }));
      expect(current.SecretString).toMatch(/^w\d-\d+$/);
      // Earlier rounds' secrets survived as well.
      for (let r = 1; r < round; r++) {
        await expect(after.send(new GetSecretValueCommand({ SecretId: `burst/${r}` }))).resolves.toHaveProperty('Name', `burst/${r}`);
      }
    } finally {
      after.destroy();
      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
    }
  });
});
