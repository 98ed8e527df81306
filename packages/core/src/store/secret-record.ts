import type { SecretRequest } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import type { Binding } from './secret-binding.js';
import { requestKey } from './secret-fetcher.js';
import type { ScheduleSlot, Schedulable } from './refresh-scheduler.js';
import { INITIAL_STATE, isServable, type RecordState } from './secret-transition.js';
import type { SecretState } from './store.types.js';

export type { Binding } from './secret-binding.js';

/**
 * One cached request (secret + stage/version), shared by every entry registered for it. Its state
 * is changed only by {@link transition}; the store keeps the bindings, the fetch under way and the
 * scheduler's slot next to it.
 */
export class SecretRecord implements Schedulable {
  readonly bindings: Binding[] = [];
  ttlMs: number;
  required = false;
  state: RecordState = INITIAL_STATE;
  lastAttemptAt?: number;
  inflight?: Promise<void>;
  evicted = false;
  slot?: ScheduleSlot;
  /** The scheduled rotation last reported for the current version (rotation-aware timing). */
  rotationAt?: number;

  constructor(
    readonly key: string,
    readonly request: SecretRequest,
    ttlMs: number,
  ) {
    this.ttlMs = ttlMs;
  }

  get secretId(): string {
    return this.request.secretId;
  }

  /** Whether `get()` may return the current value (fresh, stale or fallback). */
  get servable(): boolean {
    return isServable(this.state);
  }

  /** The store's cache key of a request. */
  static keyOf(r: SecretRequest): string {
    return requestKey(r);
  }

  /** The stage named in audit records and rotation events. */
  get stage(): string {
    return this.request.versionStage ?? (this.request.versionId ? 'VERSION' : 'AWSCURRENT');
  }

  view(now: number): SecretState {
    const st = this.state;
    const s: SecretState = { secretId: this.request.secretId, required: this.required, state: st.status };
    if (this.request.versionStage && this.request.versionStage !== 'AWSCURRENT') s.versionStage = this.request.versionStage;
    if (this.request.versionId) s.requestedVersionId = this.request.versionId;
    if (st.current) {
      s.source = st.current.source;
      s.versionId = st.current.versionId;
      if (st.current.createdDate) s.versionCreatedAt = st.current.createdDate;
      if (st.current.region !== undefined) s.region = st.current.region;
    }
    if (st.replica && isServable(st)) s.replica = { region: st.replica.region, primaryRegion: st.replica.primaryRegion, primaryRetryAt: new Date(st.replica.primaryRetryAt) };
    if (st.fetchedAt !== undefined) {
      s.fetchedAt = new Date(st.fetchedAt);
      s.ageMs = Math.max(0, now - st.fetchedAt);
    }
    if (st.lastError) {
      s.lastErrorCode = st.lastError.code ?? st.lastError.name;
      s.lastError = st.lastError.message;
    }
    if (st.staleSince !== undefined) s.staleSince = new Date(st.staleSince);
    if (st.staleUntil !== undefined) s.staleUntil = new Date(st.staleUntil);
    if (st.rejectedVersionId) {
      s.rejectedVersionId = st.rejectedVersionId;
      s.rejectionReason = st.rejectionReason;
    }
    if (this.slot !== undefined) s.nextRefreshAt = new Date(this.slot.fireAt);
    const unfinished = st.rotationUnfinished;
    // Only while AWSCURRENT is still the version that was rejected.
    if (unfinished && unfinished.currentVersionId === st.current?.versionId) {
      s.rotationUnfinished = { since: new Date(unfinished.since) };
      if (unfinished.pendingVersionId) s.rotationUnfinished.pendingVersionId = unfinished.pendingVersionId;
    }
    return s;
  }

  toJSON(): SecretState {
    return this.view(Date.now());
  }

  toString(): string {
    return `SecretRecord(${this.request.secretId}: ${this.state.status})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
