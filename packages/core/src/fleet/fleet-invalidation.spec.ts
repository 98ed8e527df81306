import type { FleetMetricEvent } from '../observability/metrics';
import type { SecretState } from '../store/store.types';
import { attachInvalidationBus, type FleetStore } from './fleet-invalidation';
import type { InvalidationBus } from './invalidation-bus';
import type { InvalidationMessage, InvalidMessageReason } from './invalidation-message';

const v = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** An in-memory bus: what is published is delivered to the handler, as Redis would (also to the sender). */
class MemoryBus implements InvalidationBus {
  handler?: (m: InvalidationMessage) => void;
  invalid?: (reason: InvalidMessageReason) => void;
  readonly sent: InvalidationMessage[] = [];
  closed = false;
  async publish(m: InvalidationMessage) {
    this.sent.push(m);
    this.handler?.(m);
  }
  async subscribe(handler: (m: InvalidationMessage) => void) {
    this.handler = handler;
  }
  async close() {
    this.closed = true;
  }
  onInvalid(l: (reason: InvalidMessageReason) => void) {
    this.invalid = l;
  }
  deliver(m: InvalidationMessage) {
    this.handler?.(m);
  }
}

/** A store holding secrets at given versions; `invalidate` settles when the test says the fetch ended. */
class FakeStore implements FleetStore {
  readonly versions = new Map<string, string>();
  readonly invalidations: string[] = [];
  readonly events: FleetMetricEvent[] = [];
  readonly #finish: (() => void)[] = [];
  rotationListener?: (e: { secretId: string; versionId: string; stage: string }) => void;
  states(secretId?: string): SecretState[] {
    const ids = secretId === undefined ? [...this.versions.keys()] : this.versions.has(secretId) ? [secretId] : [];
    return ids.map((id) => ({ secretId: id, required: true, state: 'fresh', versionId: this.versions.get(id) }));
  }
  invalidate(secretId: string): Promise<void> {
    this.invalidations.push(secretId);
    return new Promise((resolve) => this.#finish.push(resolve));
  }
  /** Ends every fetch under way. */
  finishFetches() {
    for (const f of this.#finish.splice(0)) f();
  }
  on(event: string, listener: never): () => void {
    if (event === 'rotation') this.rotationListener = listener;
    return () => (this.rotationListener = undefined);
  }
  reportFleetEvent(e: FleetMetricEvent) {
    this.events.push(e);
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('FleetInvalidation', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('invalidates a held secret at another version; ignores held versions, unknown secrets and its own messages', async () => {
    const store = new FakeStore();
    store.versions.set('app/db', v(1));
    const bus = new MemoryBus();
    const fleet = await attachInvalidationBus(store, bus, { instanceId: 'me' });
    bus.deliver({ secretId: 'app/db', versionId: v(1) });
    bus.deliver({ secretId: 'other/secret', versionId: v(2) });
    bus.deliver({ secretId: 'app/db', versionId: v(2), origin: 'me' });
    expect(store.invalidations).toEqual([]);
    bus.deliver({ secretId: 'app/db', versionId: v(2), origin: 'peer' });
    expect(store.invalidations).toEqual(['app/db']);
    expect(fleet.stats()).toMatchObject({ received: 3, refreshes: 1, pending: 1, lastMessage: { secretId: 'app/db', versionId: v(2), origin: 'peer' } });
    await fleet.stop();
    expect(bus.closed).toBe(true);
  });

  it('coalesces messages for a secret whose refresh is pending, and refreshes again once it ended', async () => {
    const store = new FakeStore();
    store.versions.set('app/db', v(1));
    const bus = new MemoryBus();
    const fleet = await attachInvalidationBus(store, bus);
    for (let i = 2; i < 100; i++) bus.deliver({ secretId: 'app/db', versionId: v(i) });
    expect(store.invalidations).toEqual(['app/db']);
    expect(fleet.stats()).toMatchObject({ coalesced: 97, refreshes: 1 });
    store.finishFetches();
    await flush();
    bus.deliver({ secretId: 'app/db', versionId: v(200) });
    expect(store.invalidations).toEqual(['app/db', 'app/db']);
    await fleet.stop();
  });

  it('holds refreshes over the rate back until the bucket refills, without losing the secrets', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 10; i++) store.versions.set(`s/${i}`, v(1));
    const bus = new MemoryBus();
    const fleet = await attachInvalidationBus(store, bus, { maxRefreshRate: 2, refreshBurst: 3 });
    for (let i = 0; i < 10; i++) bus.deliver({ secretId: `s/${i}`, versionId: v(2) });
    expect(store.invalidations).toHaveLength(3);
    expect(fleet.stats()).toMatchObject({ rateLimited: 7, deferred: 7 });
    // A further message for a held-back secret joins it.
    bus.deliver({ secretId: 's/9', versionId: v(3) });
    expect(fleet.stats().coalesced).toBe(1);
    jest.advanceTimersByTime(500);
    expect(store.invalidations).toHaveLength(4);
    jest.advanceTimersByTime(1_000);
    expect(store.invalidations).toHaveLength(6);
    // A secret that caught up meanwhile (its regular refresh) costs no token.
    store.versions.set('s/9', v(3));
    jest.advanceTimersByTime(10_000);
    expect(store.invalidations).toHaveLength(9);
    expect(store.invalidations).not.toContain('s/9');
    expect(fleet.stats().deferred).toBe(0);
    await fleet.stop();
  });

  it('bounds the refreshes of a forged flood by burst + rate × elapsed seconds', async () => {
    const store = new FakeStore();
    for (let i = 0; i < 50; i++) store.versions.set(`s/${i}`, v(1));
    const bus = new MemoryBus();
    const fleet = await attachInvalidationBus(store, bus, { maxRefreshRate: 5, refreshBurst: 10 });
    let n = 0;
    for (let ms = 0; ms < 4_000; ms += 10) {
      for (let k = 0; k < 20; k++) bus.deliver({ secretId: `s/${n++ % 50}`, versionId: v(1000 + n) });
      jest.advanceTimersByTime(10);
      store.finishFetches();
      await flush();
    }
    expect(store.invalidations.length).toBeLessThanOrEqual(10 + 5 * 4);
    expect(store.invalidations.length).toBeGreaterThanOrEqual(5 * 4);
    await fleet.stop();
  });

  it('publishes versions it takes, but not those the bus told it of; counts invalid messages', async () => {
    const store = new FakeStore();
    store.versions.set('app/db', v(1));
    const bus = new MemoryBus();
    const fleet = await attachInvalidationBus(store, bus, { instanceId: 'me' });
    store.rotationListener?.({ secretId: 'app/db', versionId: v(2), stage: 'AWSCURRENT' });
    await flush();
    expect(bus.sent).toEqual([{ secretId: 'app/db', versionId: v(2), origin: 'me' }]);
    store.versions.set('app/db', v(2));
    bus.deliver({ secretId: 'app/db', versionId: v(3), origin: 'peer' });
    store.rotationListener?.({ secretId: 'app/db', versionId: v(3), stage: 'AWSCURRENT' });
    store.rotationListener?.({ secretId: 'app/db', versionId: v(1), stage: 'AWSPREVIOUS' });
    await flush();
    expect(bus.sent).toHaveLength(1);
    bus.invalid?.('unknown-field');
    expect(fleet.stats()).toMatchObject({ published: 1, dropped: 1 });
    expect(store.events).toContainEqual({ type: 'message', outcome: 'dropped' });
    await fleet.stop();
  });
});
