import type { KeyturnError } from '../errors/keyturn.error.js';
import type { SecretRef } from '../refs/secret-ref.js';
import type { SecretRequest } from '../sources/secret-source.js';
import { INSPECT } from '../values/redaction.js';
import type { SecretValue } from '../values/secret-value.js';
import type { RotationEvent, SecretState, SecretStatus } from './store.types.js';

/** One registration's view of a record: its hook, and the value it produced for the current version. */
export interface Binding<T = unknown> {
  readonly ref: SecretRef;
  readonly required: boolean;
  readonly compute: (value: SecretValue) => T | Promise<T>;
  /** Version id `value` was computed from (undefined until ready). */
  versionId?: string;
  value?: T;
  /** Set when this binding's hook failed on the current version (late registration only). */
  error?: KeyturnError;
  ready?: Promise<void>;
  readonly listeners: Set<(event: RotationEvent<T>) => void>;
}

/** Cache state of one request (secret + stage/version); shared by every entry registered for it. */
export class SecretRecord {
  readonly bindings = new Set<Binding>();
  ttlMs: number;
  required = false;
  current?: SecretValue;
  status: SecretStatus = 'pending';
  lastError?: KeyturnError;
  /** Whether the most recent fetch failed. */
  lastFetchFailed = false;
  fetchedAt?: number;
  lastAttemptAt?: number;
  staleSince?: number;
  staleUntil?: number;
  nextRefreshAt?: number;
  rejectedVersionId?: string;
  rejectionReason?: string;
  /** AWSPENDING authenticated while this AWSCURRENT version was rejected; cleared when the version changes. */
  rotationUnfinished?: { currentVersionId?: string; pendingVersionId?: string; since: number };
  failures = 0;
  timer?: ReturnType<typeof setTimeout>;
  staleTimer?: ReturnType<typeof setTimeout>;
  inflight?: Promise<void>;
  evicted = false;

  constructor(
    readonly key: string,
    readonly request: SecretRequest,
    ttlMs: number,
  ) {
    this.ttlMs = ttlMs;
  }

  /** Whether `get()` may return the current value (fresh, stale or fallback). */
  get servable(): boolean {
    return this.current !== undefined && (this.status === 'fresh' || this.status === 'stale' || this.status === 'fallback');
  }

  /** The store's cache key of a request. */
  static keyOf(r: SecretRequest): string {
    const stage = r.versionStage === 'AWSCURRENT' && !r.versionId ? '' : (r.versionStage ?? '');
    return `${r.secretId}\u0000${stage}\u0000${r.versionId ?? ''}`;
  }

  clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.staleTimer) clearTimeout(this.staleTimer);
    this.timer = undefined;
    this.staleTimer = undefined;
  }

  state(now: number): SecretState {
    const s: SecretState = { secretId: this.request.secretId, required: this.required, state: this.status };
    if (this.request.versionStage && this.request.versionStage !== 'AWSCURRENT') s.versionStage = this.request.versionStage;
    if (this.request.versionId) s.requestedVersionId = this.request.versionId;
    if (this.current) {
      s.source = this.current.source;
      s.versionId = this.current.versionId;
      if (this.current.createdDate) s.versionCreatedAt = this.current.createdDate;
    }
    if (this.fetchedAt !== undefined) {
      s.fetchedAt = new Date(this.fetchedAt);
      s.ageMs = Math.max(0, now - this.fetchedAt);
    }
    if (this.lastError) {
      s.lastErrorCode = this.lastError.code ?? this.lastError.name;
      s.lastError = this.lastError.message;
    }
    if (this.staleSince !== undefined) s.staleSince = new Date(this.staleSince);
    if (this.staleUntil !== undefined) s.staleUntil = new Date(this.staleUntil);
    if (this.rejectedVersionId) {
      s.rejectedVersionId = this.rejectedVersionId;
      s.rejectionReason = this.rejectionReason;
    }
    if (this.nextRefreshAt !== undefined) s.nextRefreshAt = new Date(this.nextRefreshAt);
    if (this.rotationUnfinished && this.rotationUnfinished.currentVersionId === this.current?.versionId) {
      s.rotationUnfinished = { since: new Date(this.rotationUnfinished.since) };
      if (this.rotationUnfinished.pendingVersionId) s.rotationUnfinished.pendingVersionId = this.rotationUnfinished.pendingVersionId;
    }
    return s;
  }

  toJSON(): SecretState {
    return this.state(Date.now());
  }

  toString(): string {
    return `SecretRecord(${this.request.secretId}: ${this.status})`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}
