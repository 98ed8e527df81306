import { RefreshScheduler, type Schedulable } from './refresh-scheduler.js';

interface Rec extends Schedulable {
  readonly id: string;
}

const HOUR = 3_600_000;

function setup(random = () => 0.5) {
  const fired: string[][] = [];
  const scheduler = new RefreshScheduler<Rec>({
    jitter: [0.5, 1],
    backoff: { initialMs: 1000, maxMs: 120_000 },
    windowMs: 60_000,
    random,
    onDue: (records) => fired.push(records.map((r) => r.id).sort()),
    onStaleExpired: () => undefined,
  });
  scheduler.start();
  return { scheduler, fired };
}

describe('RefreshScheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('fetches records fetched at different times together once one is due (one timer)', () => {
    const { scheduler, fired } = setup();
    const recs: Rec[] = Array.from({ length: 50 }, (_, i) => ({ id: `r${i}`, ttlMs: HOUR }));
    const t0 = Date.now();
    recs.forEach((r, i) => scheduler.planRefresh(r, t0 + i * 1000));
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(0.8 * HOUR);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toHaveLength(50);
    // Every refresh stays inside its jitter range.
    const at = Date.now();
    for (const [i] of recs.entries()) expect(at - (t0 + i * 1000)).toBeLessThanOrEqual(HOUR);
  });

  it('plans refreshes inside [TTL/2, TTL] whatever the phase', () => {
    for (const phase of [0, 0.3, 0.999]) {
      const { scheduler } = setup(() => phase);
      const r: Rec = { id: 'a', ttlMs: HOUR };
      const from = Date.now() + 12_345;
      scheduler.planRefresh(r, from);
      expect(scheduler.nextAt(r)! - from).toBeGreaterThanOrEqual(0.5 * HOUR);
      expect(scheduler.nextAt(r)! - from).toBeLessThanOrEqual(HOUR);
      scheduler.stop();
    }
  });

  it('stores started together spread their refreshes over the jitter range, not over one window', () => {
    const from = Date.now();
    const at = [0.05, 0.35, 0.65, 0.95].map((phase) => {
      const { scheduler } = setup(() => phase);
      const r: Rec = { id: 'a', ttlMs: HOUR };
      scheduler.planRefresh(r, from);
      const next = scheduler.nextAt(r)! - from;
      scheduler.stop();
      return next;
    });
    // Windows are 60 s here: refreshes in step would all lie within one minute.
    expect(Math.max(...at) - Math.min(...at)).toBeGreaterThan(0.4 * HOUR);
    for (const t of at) expect(t).toBeGreaterThanOrEqual(0.5 * HOUR);
    for (const t of at) expect(t).toBeLessThanOrEqual(HOUR);
  });

  it('processes with different phases refresh at different points', () => {
    const a = setup(() => 0.1);
    const b = setup(() => 0.9);
    const ra: Rec = { id: 'a', ttlMs: HOUR };
    const rb: Rec = { id: 'b', ttlMs: HOUR };
    const from = Date.now();
    a.scheduler.planRefresh(ra, from);
    b.scheduler.planRefresh(rb, from);
    expect(a.scheduler.nextAt(ra)).not.toBe(b.scheduler.nextAt(rb));
    a.scheduler.stop();
    b.scheduler.stop();
  });

  it('cancelled and invalidated records: cancel drops the plan, invalidate fetches in the next turn', () => {
    const { scheduler, fired } = setup();
    const a: Rec = { id: 'a', ttlMs: HOUR };
    const b: Rec = { id: 'b', ttlMs: HOUR };
    scheduler.planRefresh(a, Date.now());
    scheduler.planRefresh(b, Date.now());
    scheduler.cancel(a);
    expect(scheduler.nextAt(a)).toBeUndefined();
    scheduler.invalidate([b]);
    jest.advanceTimersByTime(0);
    expect(fired).toEqual([['b']]);
    jest.advanceTimersByTime(2 * HOUR);
    expect(fired).toEqual([['b']]);
  });

  it('an invalidated record is fetched without the eligible ones, which keep their own plan', () => {
    const { scheduler, fired } = setup();
    const recs: Rec[] = ['a', 'b', 'c'].map((id) => ({ id, ttlMs: HOUR }));
    for (const r of recs) scheduler.planRefresh(r, Date.now());
    const planned = scheduler.nextAt(recs[0])!;
    jest.advanceTimersByTime(0.6 * HOUR); // every record eligible, none due
    expect(fired).toEqual([]);
    scheduler.invalidate([recs[1]]);
    jest.advanceTimersByTime(0);
    expect(fired).toEqual([['b']]);
    expect(scheduler.nextAt(recs[0])).toBe(planned);
    jest.advanceTimersByTime(planned - Date.now());
    expect(fired).toEqual([['b'], ['a', 'c']]);
  });

  it('retries with backoff and brings a plan forward with planAt, never later', () => {
    const { scheduler } = setup();
    const r: Rec = { id: 'a', ttlMs: HOUR };
    scheduler.planRetry(r, 0);
    expect(scheduler.nextAt(r)! - Date.now()).toBe(1000);
    scheduler.planRetry(r, 3);
    expect(scheduler.nextAt(r)! - Date.now()).toBe(8000);
    scheduler.planRefresh(r, Date.now());
    const regular = scheduler.nextAt(r)!;
    scheduler.planAt(r, regular + 1000);
    expect(scheduler.nextAt(r)).toBe(regular);
    scheduler.planAt(r, Date.now() + 5000);
    expect(scheduler.nextAt(r)! - Date.now()).toBe(5000);
  });

  it('stop() clears every timer', () => {
    const { scheduler } = setup();
    const r: Rec = { id: 'a', ttlMs: HOUR };
    scheduler.planRefresh(r, Date.now());
    scheduler.armStaleExpiry(r, Date.now() + 1000);
    expect(jest.getTimerCount()).toBe(2);
    scheduler.stop();
    expect(jest.getTimerCount()).toBe(0);
  });
});
