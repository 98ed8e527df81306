import type { FleetMetricEvent } from '../observability/metrics';
import type { SecretState } from '../store/store.types';
import { FleetWatcher } from './fleet-watcher';
import type { FleetStore } from './fleet-invalidation';
import type { RedisCommandClient } from './invalidation-bus';
import type { InvalidationMessage } from './invalidation-message';

const v = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Redis's SET NX PX and the two lock scripts, over a map with expiries on the fake clock; `down` makes every call fail. */
class FakeLockRedis implements RedisCommandClient {
  readonly keys = new Map<string, { value: string; until: number }>();
  down = false;
  async publish(): Promise<unknown> {
    return 0;
  }
  async call(command: string, ...args: (string | number)[]): Promise<unknown> {
    if (this.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const now = Date.now();
    for (const [k, e] of this.keys) if (e.until <= now) this.keys.delete(k);
    if (command === 'SET') {
      const [key, value, , , ttl] = args as [string, string, string, string, number];
      if (this.keys.has(key)) return null;
      this.keys.set(key, { value, until: now + Number(ttl) });
      return 'OK';
    }
    const [script, , key, token, ttl] = args as [string, number, string, string, number?];
    const held = this.keys.get(key)?.value === token;
    if (!held) return 0;
    if (script.includes('pexpire')) this.keys.set(key, { value: token, until: now + Number(ttl) });
    else this.keys.delete(key);
    return 1;
  }
}

function fakeStore(versions: Record<string, string>): FleetStore & { events: FleetMetricEvent[] } {
  const events: FleetMetricEvent[] = [];
  return {
    events,
    states: (id?: string) => Object.entries(versions).filter(([k]) => id === undefined || k === id).map(([secretId, versionId]) => ({ secretId, versionId, required: true, state: 'fresh' }) as SecretState),
    invalidate: async () => undefined,
    on: () => () => undefined,
    reportFleetEvent: (e: FleetMetricEvent) => void events.push(e),
  };
}

/** ListSecrets over a name → AWSCURRENT version map. */
function fakeClient(listing: Record<string, string>, calls: string[]) {
  return {
    send: async (command: { constructor: { name: string }; input: unknown }) => {
      calls.push(command.constructor.name);
      return { SecretList: Object.entries(listing).map(([Name, id]) => ({ Name, SecretVersionsToStages: { [id]: ['AWSCURRENT'], other: ['AWSPREVIOUS'] } })) };
    },
  } as never;
}

describe('FleetWatcher', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('one leader; it publishes what changed against its store, then against its last pass', async () => {
    const redis = new FakeLockRedis();
    const listing = { 'app/db': v(1), 'app/other': v(5) };
    const calls: string[] = [];
    const sent: InvalidationMessage[] = [];
    const store = fakeStore({ 'app/db': v(0) });
    const make = () => new FleetWatcher({ redis, publish: async (m) => void sent.push(m), client: fakeClient(listing, calls), store, prefix: 'app/', intervalMs: 1_000, lockTtlMs: 3_000, instanceId: 'i1' });
    const a = make();
    const b = make();
    await a.start();
    await b.start();
    expect([a.leader, b.leader]).toEqual([true, false]);
    expect(store.events).toEqual([{ type: 'leader', leader: true }]);
    await a.poll();
    await b.poll();
    expect(calls).toEqual(['ListSecretsCommand']);
    // The store held v0 of app/db: published; app/other was unknown: only remembered.
    expect(sent).toEqual([{ secretId: 'app/db', versionId: v(1), origin: 'watcher:i1' }]);
    listing['app/other'] = v(6);
    await a.poll();
    expect(sent.map((m) => [m.secretId, m.versionId])).toEqual([['app/db', v(1)], ['app/other', v(6)]]);
    await a.stop();
    await b.stop();
    expect(redis.keys.size).toBe(0);
  });

  it('a leader cut off from Redis steps down when its lease runs out; another takes the lock once it expires', async () => {
    const redis = new FakeLockRedis();
    const store = fakeStore({});
    const a = new FleetWatcher({ redis, publish: async () => undefined, client: fakeClient({}, []), store, prefix: '', lockTtlMs: 3_000, intervalMs: 60_000 });
    await a.start();
    expect(a.leader).toBe(true);
    redis.down = true;
    await jest.advanceTimersByTimeAsync(2_000);
    expect(a.leader).toBe(true); // the lease still runs: nobody else can hold the lock yet
    await jest.advanceTimersByTimeAsync(1_500);
    expect(a.leader).toBe(false);
    expect(store.events.at(-1)).toEqual({ type: 'leader', leader: false });
    redis.down = false;
    const b = new FleetWatcher({ redis, publish: async () => undefined, client: fakeClient({}, []), store, prefix: '', lockTtlMs: 3_000, intervalMs: 60_000 });
    await b.start();
    // a's lock expired at the end of its lease: b takes it, and a, back in touch, stays a follower.
    expect(b.leader).toBe(true);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(a.leader).toBe(false);
    await a.stop();
    await b.stop();
  });
});
