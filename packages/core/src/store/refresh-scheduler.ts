import { backoffDelay, MAX_TIMER_MS } from './timing.js';

/** What the scheduler needs to know of a record: its TTL. It keeps its own bookkeeping in `slot`. */
export interface Schedulable {
  readonly ttlMs: number;
  /** The scheduler's bookkeeping; undefined while nothing is planned. */
  slot?: ScheduleSlot;
}

/** When a record is to be fetched next. */
export interface ScheduleSlot {
  /** From then on, the record joins any refresh that runs (secrets due within a window are fetched together). */
  readonly eligibleAt: number;
  /** The latest point the record is fetched at, on its own if nothing else runs before. */
  readonly fireAt: number;
  readonly seq: number;
  /** Planned by an invalidation: when it fires, no merely eligible record goes along. */
  readonly alone?: boolean;
}

export interface RefreshSchedulerOptions<R extends Schedulable> {
  /** Refresh point as fractions of the TTL. */
  readonly jitter: readonly [number, number];
  readonly backoff: { readonly initialMs: number; readonly maxMs: number };
  /** Length of the refresh window (shrunk to a quarter of the jitter range of the shortest TTL). */
  readonly windowMs: number;
  readonly random: () => number;
  readonly now?: () => number;
  /** Called with the records that are due, all at once. */
  readonly onDue: (records: R[]) => void;
  /** Called when a record's stale bound passes. */
  readonly onStaleExpired: (record: R) => void;
}

interface HeapItem<R> {
  at: number;
  record: R;
  seq: number;
}

/** A binary min-heap by `at`; entries whose `seq` no longer matches the record's slot are skipped when popped. */
class TimeHeap<R> {
  readonly #items: HeapItem<R>[] = [];

  get size(): number {
    return this.#items.length;
  }

  push(item: HeapItem<R>): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].at <= a[i].at) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }

  peek(): HeapItem<R> | undefined {
    return this.#items[0];
  }

  pop(): HeapItem<R> | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l].at < a[m].at) m = l;
        if (r < a.length && a[r].at < a[m].at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }

  clear(): void {
    this.#items.length = 0;
  }
}

/**
 * Every timer of the store, in one place, with one `setTimeout` at a time:
 *
 * - **Refresh windows.** Time is cut into windows of `windowMs`, offset by a random phase drawn
 *   once per scheduler (per store). A record fetched at `t` becomes eligible at
 *   `t + TTL × jitter[0]` and is due at the last window boundary before the point of its jitter
 *   range that the same phase picks (`jitter[0] + phase × (jitter[1] − jitter[0])` of the TTL;
 *   within `(point − window, point]`, inside the range). So the instances of a fleet deployed
 *   together spread their refreshes over the whole jitter range (TTL/2), not over one window,
 *   and keep them spread cycle after cycle. When a record is due, every eligible record is
 *   fetched with it, so records with the same TTL converge on one fetch per cycle (ceil(N/20)
 *   batch calls).
 * - **Backoff** after failures (retries are due at once, and take eligible records along).
 * - **Rotation-aware** refreshes ({@link planAt}) and **external invalidation** ({@link invalidate}),
 *   which fetches the invalidated records without the eligible ones: a message to a whole fleet
 *   must not make every instance refresh everything at the same moment.
 * - **Stale bounds**: one timer per record that serves a stale value, cleared when it recovers.
 *
 * Cancelling is O(1): entries of cancelled records stay in the heaps and are skipped when popped.
 */
export class RefreshScheduler<R extends Schedulable> {
  readonly #options: RefreshSchedulerOptions<R>;
  readonly #due = new TimeHeap<R>();
  readonly #eligible = new TimeHeap<R>();
  readonly #staleTimers = new Map<R, ReturnType<typeof setTimeout>>();
  readonly #phase: number;
  #windowMs: number;
  #seq = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #timerAt = Infinity;
  #running = false;

  constructor(options: RefreshSchedulerOptions<R>) {
    this.#options = options;
    this.#windowMs = Math.max(1, options.windowMs);
    this.#phase = options.random();
  }

  get running(): boolean {
    return this.#running;
  }

  /** The window length in use (the option, shrunk to fit the shortest TTL seen). */
  get windowMs(): number {
    return this.#windowMs;
  }

  start(): void {
    this.#running = true;
  }

  /** Forgets every plan and clears every timer. */
  stop(): void {
    this.#running = false;
    this.#due.clear();
    this.#eligible.clear();
    this.#clearTimer();
    for (const t of this.#staleTimers.values()) clearTimeout(t);
    this.#staleTimers.clear();
  }

  /** The next planned fetch of a record, if any. */
  nextAt(record: R): number | undefined {
    return record.slot?.fireAt;
  }

  /** Plans the regular refresh of a record fetched (or confirmed) at `from`. */
  planRefresh(record: R, from: number): void {
    const [lo, hi] = this.#options.jitter;
    const ttl = record.ttlMs;
    // A window never longer than a quarter of the jitter range keeps every refresh inside it.
    const fit = Math.max(1, Math.floor((ttl * (hi - lo)) / 4));
    if (fit < this.#windowMs) this.#windowMs = fit;
    const eligibleAt = from + ttl * lo;
    // The point of the range is the store's own (its phase): records fetched together stay
    // together, and the stores of a fleet started together do not refresh together.
    const target = from + ttl * (lo + (hi - lo) * this.#phase);
    const w = this.#windowMs;
    const offset = this.#phase * w;
    const boundary = offset + Math.floor((target - offset) / w) * w;
    this.#plan(record, eligibleAt, Math.max(eligibleAt, boundary));
  }

  /** Plans a retry after `attempt + 1` consecutive failures (exponential backoff with jitter). */
  planRetry(record: R, attempt: number): void {
    const at = this.#now() + backoffDelay(attempt, this.#options.backoff, this.#options.random);
    this.#plan(record, at, at);
  }

  /** Brings a record's next fetch forward to `at` (e.g. shortly after a scheduled rotation); a later `at` changes nothing. */
  planAt(record: R, at: number): void {
    const slot = record.slot;
    if (slot && slot.fireAt <= at) return;
    this.#plan(record, Math.min(slot?.eligibleAt ?? at, at), at);
  }

  /**
   * The seam for external invalidation (a push from AWS, an operator, a fleet bus): the records
   * are fetched in the next turn of the event loop, with any record due then, but without the
   * records that are merely eligible. Every instance of a fleet receives the same message at the
   * same moment; taking eligible records along would make the whole fleet refresh (and batch)
   * everything at once, against the quotas, and keep those refreshes in step afterwards. Records
   * fetched at the moment are left alone (the fetch under way answers).
   */
  invalidate(records: Iterable<R>): void {
    const now = this.#now();
    for (const r of records) this.#plan(r, now, now, true);
  }

  /** Takes a record out of the plan (it is being fetched, evicted, or the store stops). */
  cancel(record: R): void {
    record.slot = undefined;
  }

  armStaleExpiry(record: R, at: number): void {
    if (this.#staleTimers.has(record)) return;
    const t = setTimeout(
      () => {
        this.#staleTimers.delete(record);
        this.#options.onStaleExpired(record);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, at - this.#now())),
    );
    t.unref?.();
    this.#staleTimers.set(record, t);
  }

  disarmStaleExpiry(record: R): void {
    const t = this.#staleTimers.get(record);
    if (t === undefined) return;
    clearTimeout(t);
    this.#staleTimers.delete(record);
  }

  /** Forgets a record entirely (O(1)). */
  forget(record: R): void {
    this.cancel(record);
    this.disarmStaleExpiry(record);
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #plan(record: R, eligibleAt: number, fireAt: number, alone = false): void {
    if (!this.#running) {
      record.slot = undefined;
      return;
    }
    const seq = ++this.#seq;
    record.slot = alone ? { eligibleAt, fireAt, seq, alone } : { eligibleAt, fireAt, seq };
    this.#due.push({ at: fireAt, record, seq });
    this.#eligible.push({ at: eligibleAt, record, seq });
    if (fireAt < this.#timerAt) this.#arm(fireAt);
  }

  #arm(at: number): void {
    this.#clearTimer();
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.min(MAX_TIMER_MS, Math.max(0, at - this.#now())));
    this.#timer.unref?.();
  }

  #clearTimer(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #live(item: HeapItem<R>): boolean {
    return item.record.slot?.seq === item.seq;
  }

  #fire(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    if (!this.#running) return;
    const now = this.#now();
    const due = new Set<R>();
    let takeEligible = false;
    for (let top = this.#due.peek(); top && top.at <= now; top = this.#due.peek()) {
      this.#due.pop();
      if (!this.#live(top)) continue;
      due.add(top.record);
      if (!top.record.slot?.alone) takeEligible = true;
    }
    if (due.size > 0) {
      // Records due on their own take every eligible record along; invalidated ones do not.
      for (let top = takeEligible ? this.#eligible.peek() : undefined; top && top.at <= now; top = this.#eligible.peek()) {
        this.#eligible.pop();
        if (this.#live(top)) due.add(top.record);
      }
      for (const r of due) r.slot = undefined;
    }
    this.#rearm();
    if (due.size > 0) this.#options.onDue([...due]);
  }

  /** Arms the timer for the earliest live entry, dropping dead ones on the way. */
  #rearm(): void {
    let top = this.#due.peek();
    while (top && !this.#live(top)) {
      this.#due.pop();
      top = this.#due.peek();
    }
    if (top) this.#arm(top.at);
    // Dead eligibility entries are dropped lazily; keep the heap from growing without bound.
    if (this.#eligible.size > 4 * (this.#due.size + 64)) this.#compactEligible();
  }

  #compactEligible(): void {
    const live: HeapItem<R>[] = [];
    while (this.#eligible.size > 0) {
      const item = this.#eligible.pop() as HeapItem<R>;
      if (this.#live(item)) live.push(item);
    }
    for (const item of live) this.#eligible.push(item);
  }
}
