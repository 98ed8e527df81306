import type { CredentialsSource, CredentialsVersion } from './credentials-source.js';
import { createRotatingClient } from './rotating-client.js';

class FakeSource implements Pick<CredentialsSource<{ key: string }>, 'secretId' | 'current' | 'onChange'> {
  readonly secretId = 'app/stripe';
  private version: CredentialsVersion<{ key: string }> = { versionId: 'v1', stage: 'AWSCURRENT', value: { key: 'k1' } };
  private readonly listeners = new Set<(v: CredentialsVersion<{ key: string }>) => void>();
  current() {
    return this.version;
  }
  onChange(listener: (v: CredentialsVersion<{ key: string }>) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  rotate(versionId: string, key: string) {
    this.version = { versionId, stage: 'AWSCURRENT', value: { key } };
    for (const l of this.listeners) l(this.version);
  }
  get listenerCount() {
    return this.listeners.size;
  }
}

class FakeApi {
  disposed = false;
  constructor(readonly key: string) {}
  async call(gate?: Promise<void>): Promise<string> {
    await gate;
    if (this.disposed) throw new Error(`client for ${this.key} used after dispose`);
    return this.key;
  }
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('RotatingClient', () => {
  it('sends new work to the new client, lets in-flight work finish on the old one, then disposes it', async () => {
    const source = new FakeSource();
    const disposed: string[] = [];
    const rotating = await createRotatingClient(source, {
      create: (v: { key: string }) => new FakeApi(v.key),
      dispose: (c) => {
        c.disposed = true;
        disposed.push(c.key);
      },
    });
    const swaps: string[] = [];
    rotating.onSwap((e) => swaps.push(`${e.previousVersionId}->${e.versionId}:${e.mode}`));

    const gate = deferred();
    const inFlight = rotating.use((c) => c.call(gate.promise));
    source.rotate('v2', 'k2');
    await rotating.rebuild();

    expect(await rotating.use((c) => c.call())).toBe('k2');
    expect(rotating.versionId).toBe('v2');
    expect(disposed).toEqual([]); // the old client still has a lease
    gate.resolve();
    expect(await inFlight).toBe('k1');
    await new Promise((r) => setImmediate(r));
    expect(disposed).toEqual(['k1']);
    expect(swaps).toEqual(['v1->v2:rebuilt']);

    await rotating.close();
    expect(disposed).toEqual(['k1', 'k2']);
    expect(source.listenerCount).toBe(0);
  });

  it('keeps the previous client when building the new one fails', async () => {
    const source = new FakeSource();
    const errors: string[] = [];
    const rotating = await createRotatingClient(source, {
      create: (v: { key: string }) => {
        if (v.key === 'bad') throw new TypeError('invalid key');
        return new FakeApi(v.key);
      },
      logger: { log: () => undefined, warn: () => undefined, error: (m: string) => void errors.push(m) },
    });
    source.rotate('v2', 'bad');
    await rotating.rebuild();
    expect(rotating.versionId).toBe('v1');
    expect(await rotating.use((c) => c.call())).toBe('k1');
    expect(errors).toContainEqual(expect.stringContaining('secret "app/stripe" version v2 failed (TypeError); version v1 stays in service'));
    expect(errors.join()).not.toContain('bad');
    await rotating.close();
  });

  it('reconfigures in place when `reconfigure` accepts the new value', async () => {
    const source = new FakeSource();
    let created = 0;
    const rotating = await createRotatingClient(source, {
      create: (v: { key: string }) => (created++, { key: v.key }),
      reconfigure: (client, v) => ((client.key = v.key), true),
    });
    const first = rotating.client;
    source.rotate('v2', 'k2');
    await rotating.rebuild();
    expect(rotating.client).toBe(first);
    expect(rotating.client.key).toBe('k2');
    expect(created).toBe(1);
    await rotating.close();
  });

  it('disposes a client whose lease is never released after drainTimeoutMs', async () => {
    const source = new FakeSource();
    const disposed: string[] = [];
    const rotating = await createRotatingClient(source, {
      create: (v: { key: string }) => new FakeApi(v.key),
      dispose: (c) => void disposed.push(c.key),
      drainTimeoutMs: 20,
      logger: { log: () => undefined, warn: () => undefined, error: () => undefined },
    });
    rotating.acquire(); // leaked
    source.rotate('v2', 'k2');
    await rotating.rebuild();
    expect(disposed).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    expect(disposed).toEqual(['k1']);
    await rotating.close();
  });
});
