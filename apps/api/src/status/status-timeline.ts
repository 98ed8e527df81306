import type { AuditEvent, AuditSink } from '@keyturn/core';

/** One thing that happened to a secret (ids, versions and codes; never a value). */
export interface TimelineEvent {
  readonly at: number;
  readonly kind: 'refresh' | 'rotation' | 'rejected' | 'error' | 'state';
  readonly secretId: string;
  readonly versionId?: string;
  readonly code?: string;
  /** For `state`: the secret's new state (`fresh`, `stale`, `failed`...). */
  readonly state?: string;
}

/** Counts per time bucket, ready for a chart (parallel arrays, `t` in seconds since the epoch). */
export interface TimelineSeries {
  readonly from: number;
  readonly to: number;
  readonly bucketMs: number;
  readonly t: number[];
  readonly refreshes: number[];
  readonly rotations: number[];
  readonly errors: number[];
  /** Secrets serving a stale value at some point of the bucket. */
  readonly stale: number[];
}

/** Defaults of {@link StatusTimeline}. */
export const STATUS_TIMELINE_DEFAULTS = { capacity: 5_000, windowMs: 3_600_000, bucketMs: 60_000 } as const;

/**
 * What happened to the secrets over the last hour, in a bounded ring buffer: refreshes and loads
 * (the store's audit records), and rotations, rejected versions, errors and state changes (the
 * store's events). Old entries are overwritten; nothing grows with uptime.
 */
export class StatusTimeline implements AuditSink {
  readonly #buffer: (TimelineEvent | undefined)[];
  #next = 0;
  #size = 0;

  constructor(
    private readonly capacity: number = STATUS_TIMELINE_DEFAULTS.capacity,
    private readonly now: () => number = Date.now,
  ) {
    this.#buffer = new Array<TimelineEvent | undefined>(capacity);
  }

  push(event: TimelineEvent): void {
    this.#buffer[this.#next] = event;
    this.#next = (this.#next + 1) % this.capacity;
    this.#size = Math.min(this.#size + 1, this.capacity);
  }

  /** AuditSink: loads and refreshes become `refresh` entries (rotations and errors come from the store's events). */
  record(event: AuditEvent): void {
    if (event.type !== 'load' && event.type !== 'refresh') return;
    if (event.stage !== undefined && event.stage !== 'AWSCURRENT') return;
    this.push({ at: event.at.getTime(), kind: 'refresh', secretId: event.secretId, ...(event.versionId ? { versionId: event.versionId } : {}) });
  }

  /** Entries since `since`, oldest first. */
  events(since = this.now() - STATUS_TIMELINE_DEFAULTS.windowMs): TimelineEvent[] {
    const out: TimelineEvent[] = [];
    for (let i = 0; i < this.#size; i++) {
      const e = this.#buffer[(this.#next - this.#size + i + this.capacity) % this.capacity];
      if (e && e.at >= since) out.push(e);
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /**
   * Per-bucket counts over the window. A stale period runs from a `state: stale` entry to the next
   * state entry of the same secret, or to now when `staleNow` lists the secret.
   */
  series(staleNow: readonly string[] = [], windowMs: number = STATUS_TIMELINE_DEFAULTS.windowMs, bucketMs: number = STATUS_TIMELINE_DEFAULTS.bucketMs): TimelineSeries {
    const to = Math.ceil(this.now() / bucketMs) * bucketMs;
    const from = to - windowMs;
    const n = Math.round(windowMs / bucketMs);
    const zero = () => new Array<number>(n).fill(0);
    const s = { from, to, bucketMs, t: Array.from({ length: n }, (_, i) => (from + i * bucketMs) / 1000), refreshes: zero(), rotations: zero(), errors: zero(), stale: zero() };
    const bucket = (at: number) => Math.min(n - 1, Math.max(0, Math.floor((at - from) / bucketMs)));
    // Every entry kept (not only the window's): a stale period may have begun before it.
    const all = this.events(0);
    const staleSince = new Map<string, number>();
    const staleRanges: [number, number][] = [];
    for (const e of all) {
      if (e.at >= from) {
        if (e.kind === 'refresh') s.refreshes[bucket(e.at)]++;
        else if (e.kind === 'rotation') s.rotations[bucket(e.at)]++;
        else if (e.kind === 'error' || e.kind === 'rejected') s.errors[bucket(e.at)]++;
      }
      if (e.kind !== 'state') continue;
      const began = staleSince.get(e.secretId);
      if (e.state === 'stale') {
        if (began === undefined) staleSince.set(e.secretId, e.at);
      } else if (began !== undefined) {
        staleRanges.push([began, e.at]);
        staleSince.delete(e.secretId);
      }
    }
    const now = this.now();
    for (const [id, began] of staleSince) if (staleNow.includes(id)) staleRanges.push([began, now]);
    for (const id of staleNow) if (!staleSince.has(id)) staleRanges.push([Math.max(from, now - bucketMs), now]);
    for (const [a, b] of staleRanges) {
      if (b < from) continue;
      for (let i = bucket(Math.max(a, from)); i <= bucket(b); i++) s.stale[i]++;
    }
    return s;
  }
}
