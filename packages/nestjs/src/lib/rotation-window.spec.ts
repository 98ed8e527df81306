import { inspect } from 'node:util';
import { Subject } from 'rxjs';
import type { RotationEvent } from '@keyturn/core';
import { RotationWindow, type RotationWindowSource } from './rotation-window.js';

interface Key {
  key: string;
}

/** An in-memory secret: `put` rotates it now; `stage` stages a version that the next forced refresh picks up. */
class FakeHandle implements RotationWindowSource<Key> {
  readonly secretId = 'app/jwt';
  readonly changes$ = new Subject<RotationEvent<Key>>();
  refreshCalls = 0;
  private staged: Key | undefined;
  private releaseRefresh: (() => void) | undefined;
  holdRefreshes = false;

  constructor(
    private value: Key,
    private readonly awsPrevious?: Key,
  ) {}

  get(): Key {
    return this.value;
  }

  put(next: Key): void {
    this.value = next;
    this.changes$.next({ secretId: this.secretId, versionId: next.key, stage: 'AWSCURRENT', value: next, at: new Date() });
  }

  stage(next: Key): void {
    this.staged = next;
  }

  release(): void {
    this.releaseRefresh?.();
  }

  async refresh(): Promise<{ changed: boolean }> {
    this.refreshCalls++;
    if (this.holdRefreshes) await new Promise<void>((resolve) => (this.releaseRefresh = resolve));
    if (!this.staged) return { changed: false };
    this.put(this.staged);
    this.staged = undefined;
    return { changed: true };
  }

  async fetchVersion(): Promise<Key> {
    if (!this.awsPrevious) throw Object.assign(new Error('no AWSPREVIOUS'), { name: 'SecretNotFoundError' });
    return this.awsPrevious;
  }
}

const matcher = (expected: string) => (value: Key) => {
  if (value.key !== expected) throw new Error(`no match`);
  return value.key;
};

describe('RotationWindow', () => {
  it('has no previous value for a secret that never rotated', async () => {
    const window = await RotationWindow.open(new FakeHandle({ key: 'k1' }));
    expect(window.current()).toEqual({ key: 'k1' });
    expect(window.previous()).toBeUndefined();
    expect(window.candidates()).toEqual([{ key: 'k1' }]);
  });

  it('reads AWSPREVIOUS at open, so a restart inside a rotation window still accepts it', async () => {
    const window = await RotationWindow.open(new FakeHandle({ key: 'k2' }, { key: 'k1' }));
    expect(window.candidates()).toEqual([{ key: 'k2' }, { key: 'k1' }]);
  });

  it('moves the current value to previous on each rotation', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    const window = await RotationWindow.open(handle);
    handle.put({ key: 'k2' });
    expect(window.candidates()).toEqual([{ key: 'k2' }, { key: 'k1' }]);
    handle.put({ key: 'k3' });
    expect(window.candidates()).toEqual([{ key: 'k3' }, { key: 'k2' }]);
  });

  it('stops following rotations after close()', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    const window = await RotationWindow.open(handle);
    window.close();
    handle.put({ key: 'k2' });
    expect(window.previous()).toBeUndefined();
    expect(window.current()).toEqual({ key: 'k2' });
  });

  it('verify tries current first, then previous, without refreshing', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    const window = await RotationWindow.open(handle);
    handle.put({ key: 'k2' });
    const seen: string[] = [];
    const attempt = (expected: string) => (value: Key) => {
      seen.push(value.key);
      return matcher(expected)(value);
    };
    await expect(window.verify(attempt('k2'))).resolves.toBe('k2');
    expect(seen).toEqual(['k2']);
    seen.length = 0;
    await expect(window.verify(attempt('k1'))).resolves.toBe('k1');
    expect(seen).toEqual(['k2', 'k1']);
    expect(handle.refreshCalls).toBe(0);
  });

  it('verify forces one refresh when nothing matches and accepts the new current value', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    const window = await RotationWindow.open(handle);
    handle.stage({ key: 'k2' });
    await expect(window.verify(matcher('k2'))).resolves.toBe('k2');
    expect(handle.refreshCalls).toBe(1);
    expect(window.previous()).toEqual({ key: 'k1' });
  });

  it('verify rethrows the last error when the refresh brings nothing new', async () => {
    const handle = new FakeHandle({ key: 'k2' }, { key: 'k1' });
    const window = await RotationWindow.open(handle);
    let n = 0;
    const failing = () => {
      throw new Error(`mismatch ${++n}`);
    };
    await expect(window.verify(failing)).rejects.toThrow('mismatch 2');
    expect(handle.refreshCalls).toBe(1);
  });

  it('verify throws errors that isMismatch rejects at once', async () => {
    const handle = new FakeHandle({ key: 'k2' }, { key: 'k1' });
    const window = await RotationWindow.open(handle);
    const calls: string[] = [];
    const attempt = (value: Key) => {
      calls.push(value.key);
      throw new TypeError('malformed payload');
    };
    await expect(window.verify(attempt, { isMismatch: (err) => !(err instanceof TypeError) })).rejects.toThrow('malformed payload');
    expect(calls).toEqual(['k2']);
    expect(handle.refreshCalls).toBe(0);
  });

  it('shares one forced refresh between concurrent callers', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    handle.holdRefreshes = true;
    const window = await RotationWindow.open(handle, { minForcedRefreshIntervalMs: 0 });
    handle.stage({ key: 'k2' });
    const all = Promise.all([window.verify(matcher('k2')), window.verify(matcher('k2')), window.refreshAfterRejection()]);
    await new Promise((resolve) => setImmediate(resolve));
    handle.release();
    await expect(all).resolves.toEqual(['k2', 'k2', true]);
    expect(handle.refreshCalls).toBe(1);
  });

  it('forces at most one refresh per minForcedRefreshIntervalMs', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    const window = await RotationWindow.open(handle, { minForcedRefreshIntervalMs: 60_000 });
    await expect(window.verify(matcher('unknown'))).rejects.toThrow('no match');
    await expect(window.verify(matcher('unknown'))).rejects.toThrow('no match');
    await expect(window.refreshAfterRejection()).resolves.toBe(false);
    expect(handle.refreshCalls).toBe(1);

    const unlimited = await RotationWindow.open(handle, { minForcedRefreshIntervalMs: 0 });
    await unlimited.refreshAfterRejection();
    await unlimited.refreshAfterRejection();
    expect(handle.refreshCalls).toBe(3);
  });

  it('reports a failed forced refresh as "nothing new"', async () => {
    const handle = new FakeHandle({ key: 'k1' });
    handle.refresh = async () => {
      handle.refreshCalls++;
      throw new Error('throttled');
    };
    const window = await RotationWindow.open(handle);
    await expect(window.refreshAfterRejection()).resolves.toBe(false);
    await expect(window.verify(matcher('k9'))).rejects.toThrow('no match');
  });

  it('never prints the values', async () => {
    const handle = new FakeHandle({ key: 'current-secret-value' }, { key: 'previous-secret-value' });
    const window = await RotationWindow.open(handle);
    for (const printed of [inspect(window, { depth: 5, showHidden: true }), JSON.stringify(window), String(window), inspect({ window })]) {
      expect(printed).toContain('app/jwt');
      expect(printed).not.toContain('secret-value');
    }
  });
});
