import type { KeyturnError } from '../errors/keyturn.error.js';
import { SecretUnavailableError } from '../errors/secret-unavailable.error.js';
import type { AuditEvent } from '../observability/audit.js';
import type { ReplicaServe } from '../sources/secret-source.js';
import type { SecretValue } from '../values/secret-value.js';
import type { SecretStatus } from './store.types.js';

/** What the store knows about one cached request. Replaced as a whole by {@link transition}, never mutated. */
export interface RecordState {
  readonly status: SecretStatus;
  /** The last good value (the one every binding has computed from). */
  readonly current?: SecretValue;
  readonly fetchedAt?: number;
  readonly lastError?: KeyturnError;
  /** Whether the most recent fetch failed. */
  readonly lastFetchFailed: boolean;
  /** Consecutive failures (drives the retry backoff). */
  readonly failures: number;
  readonly staleSince?: number;
  readonly staleUntil?: number;
  readonly rejectedVersionId?: string;
  readonly rejectionReason?: string;
  /**
   * AWSPENDING authenticated while AWSCURRENT `currentVersionId` was rejected (an unfinished
   * rotation). Kept until a new version is taken; shown only while `current` is that version.
   */
  readonly rotationUnfinished?: { readonly currentVersionId?: string; readonly pendingVersionId?: string; readonly since: number };
  /** Set while the value comes from a replica region because the primary failed transiently. */
  readonly replica?: ReplicaServe;
}

export const INITIAL_STATE: RecordState = Object.freeze({ status: 'pending', lastFetchFailed: false, failures: 0 });

/** Something that happened to a record. */
export type SecretEvent =
  /** The source answered with a value. */
  | { readonly type: 'fetched'; readonly value: SecretValue; readonly fallback: boolean; readonly replica?: ReplicaServe; readonly now: number }
  /** Every binding's hook accepted `value` (answer to a `compute` effect). */
  | { readonly type: 'computed'; readonly value: SecretValue; readonly fallback: boolean; readonly replica?: ReplicaServe; readonly now: number }
  /** A binding's hook rejected `value` (answer to a `compute` effect). */
  | { readonly type: 'hook-failed'; readonly value: SecretValue; readonly fallback: boolean; readonly replica?: ReplicaServe; readonly error: KeyturnError; readonly now: number }
  /** The source answered with an error. `source` names the source asked. */
  | { readonly type: 'fetch-failed'; readonly error: KeyturnError; readonly source: string; readonly now: number }
  /** The stale bound set when the record turned stale has passed. */
  | { readonly type: 'stale-expired'; readonly now: number }
  /** The record left the store. */
  | { readonly type: 'evicted' }
  /**
   * A connection found AWSCURRENT rejected and AWSPENDING (`pendingVersionId`, the last one read)
   * accepted: a rotation changed the credentials and did not finish. `source` names the source.
   */
  | { readonly type: 'rotation-unfinished'; readonly pendingVersionId?: string; readonly source: string; readonly now: number };

/** Audit fields the transition decides; the store adds the latency and the time, and the record's stage unless one is given. */
export type AuditFields = Omit<AuditEvent, 'at' | 'latencyMs' | 'secretId' | 'stage'> & { readonly stage?: string };

/** What the store must do after a transition, in order. */
export type SecretEffect =
  /** Run every binding's hook on `value`, then feed back `computed` or `hook-failed`. */
  | { readonly type: 'compute'; readonly value: SecretValue; readonly fallback: boolean; readonly replica?: ReplicaServe }
  /** Give every binding its computed value for `value` (one synchronous step). */
  | { readonly type: 'commit'; readonly value: SecretValue }
  /** Tell subscribers that `value` replaced `previous`. */
  | { readonly type: 'rotated'; readonly previous: SecretValue; readonly value: SecretValue }
  /** Plan the regular refresh from `from`; with `primaryAt`, fetch again then too (to return to the primary region). */
  | { readonly type: 'schedule-refresh'; readonly from: number; readonly primaryAt?: number }
  /** Retry with backoff (`attempt` is 0-based). */
  | { readonly type: 'schedule-retry'; readonly attempt: number }
  | { readonly type: 'arm-stale-expiry'; readonly at: number }
  | { readonly type: 'disarm-stale-expiry' }
  | { readonly type: 'cancel-schedule' }
  | { readonly type: 'audit'; readonly fields: AuditFields }
  | { readonly type: 'log'; readonly level: 'log' | 'warn' | 'error'; readonly message: string; readonly context: Readonly<Record<string, unknown>> }
  | { readonly type: 'count-error'; readonly code: string }
  /** A new version rejected by a hook. */
  | { readonly type: 'count-rejected' }
  | { readonly type: 'emit-error'; readonly error: KeyturnError }
  | { readonly type: 'emit-rejected'; readonly versionId: string; readonly keptVersionId: string; readonly reason: string }
  | { readonly type: 'count-rotation-unfinished' }
  | { readonly type: 'emit-rotation-unfinished'; readonly currentVersionId?: string; readonly pendingVersionId?: string; readonly at: number };

/** Fixed facts about the record and the store that a transition reads. */
export interface TransitionContext {
  readonly secretId: string;
  readonly staleIfErrorMs: number;
}

export interface Transition {
  readonly state: RecordState;
  readonly effects: readonly SecretEffect[];
}

/** Whether `get()` may serve the current value in this state. */
export const isServable = (s: RecordState): boolean => s.current !== undefined && (s.status === 'fresh' || s.status === 'stale' || s.status === 'fallback');

/**
 * The state machine of one cached secret, in one place: state × event → next state + effects.
 * Pure: no clock, no timers, no I/O (the time comes with the event).
 *
 * - A value with the version already held is taken without running hooks (versions are immutable).
 * - A value with a new version is computed by every binding first; if a hook rejects it, the last
 *   good value stays (or the record fails when it has none).
 * - A transient failure with a servable value serves it stale up to `staleIfErrorMs`; any other
 *   failure fails the record (a deliberate refusal is never papered over).
 */
export function transition(s: RecordState, event: SecretEvent, ctx: TransitionContext): Transition {
  switch (event.type) {
    case 'fetched':
      return fetched(s, event.value, event.fallback, event.now, event.replica);
    case 'computed':
      return computed(s, event.value, event.fallback, event.now, event.replica);
    case 'hook-failed':
      return hookFailed(s, event.value, event.fallback, event.error, event.now, event.replica);
    case 'fetch-failed':
      return fetchFailed(s, event.error, event.source, event.now, ctx);
    case 'stale-expired':
      return staleExpired(s, ctx);
    case 'evicted':
      return { state: { ...INITIAL_STATE, current: s.current }, effects: [{ type: 'cancel-schedule' }, { type: 'disarm-stale-expiry' }] };
    case 'rotation-unfinished':
      return rotationUnfinished(s, event.pendingVersionId, event.source, event.now, ctx);
  }
}

const okStatus = (fallback: boolean): SecretStatus => (fallback ? 'fallback' : 'fresh');

/** A successful fetch: errors and the stale window cleared, next refresh scheduled. */
function succeeded(s: RecordState, now: number, status: SecretStatus, freshValue: boolean, replica: ReplicaServe | undefined): RecordState {
  return {
    ...(replica ? { replica } : {}),
    status,
    current: s.current,
    fetchedAt: freshValue ? now : s.fetchedAt,
    lastFetchFailed: false,
    failures: 0,
    rejectedVersionId: s.rejectedVersionId,
    rejectionReason: s.rejectionReason,
    ...(s.rotationUnfinished ? { rotationUnfinished: s.rotationUnfinished } : {}),
  };
}

const afterSuccess = (now: number, replica?: ReplicaServe): SecretEffect[] => [
  { type: 'disarm-stale-expiry' },
  { type: 'schedule-refresh', from: now, ...(replica ? { primaryAt: replica.primaryRetryAt } : {}) },
];

function fetched(s: RecordState, value: SecretValue, fallback: boolean, now: number, replica: ReplicaServe | undefined): Transition {
  const previous = s.current;
  const unchanged: SecretEffect = { type: 'audit', fields: { type: 'refresh', versionId: value.versionId, source: value.source, region: value.region, outcome: 'unchanged' } };
  if (previous && previous.versionId === value.versionId && previous.source === value.source && s.status !== 'pending') {
    // Same version: immutable, so nothing is parsed or validated again.
    return { state: succeeded(s, now, okStatus(fallback), true, replica), effects: [...afterSuccess(now, replica), unchanged] };
  }
  if (s.rejectedVersionId === value.versionId) {
    // Still the version rejected before: hooks are not run again. With a last good value keep
    // serving it; without one stay failed and keep retrying until a new version appears.
    if (previous) return { state: succeeded(s, now, okStatus(fallback), false, replica), effects: [unchanged, ...afterSuccess(now, replica)] };
    return { state: { ...s, failures: s.failures + 1 }, effects: [unchanged, { type: 'schedule-retry', attempt: s.failures }] };
  }
  return { state: s, effects: [{ type: 'compute', value, fallback, ...(replica ? { replica } : {}) }] };
}

function computed(s: RecordState, value: SecretValue, fallback: boolean, now: number, replica: ReplicaServe | undefined): Transition {
  const previous = s.current;
  // A new AWSCURRENT ends an unfinished rotation (it finished, or was rolled forward by hand).
  const state = succeeded({ ...s, current: value, rejectedVersionId: undefined, rejectionReason: undefined, rotationUnfinished: undefined }, now, okStatus(fallback), true, replica);
  const rotated = previous !== undefined && previous.versionId !== value.versionId;
  const effects: SecretEffect[] = [
    { type: 'commit', value },
    ...afterSuccess(now, replica),
    { type: 'audit', fields: { type: rotated ? 'rotation' : 'load', versionId: value.versionId, source: value.source, region: value.region, outcome: 'success' } },
  ];
  if (rotated) {
    effects.push(
      { type: 'log', level: 'log', message: `Secret "${value.secretId}" rotated: version ${previous.versionId} -> ${value.versionId}`, context: { versionId: value.versionId } },
      { type: 'rotated', previous, value },
    );
  }
  return { state, effects };
}

function hookFailed(s: RecordState, value: SecretValue, fallback: boolean, error: KeyturnError, now: number, replica: ReplicaServe | undefined): Transition {
  const previous = s.current;
  const rejected: SecretEffect = { type: 'audit', fields: { type: 'rejected', versionId: value.versionId, source: value.source, region: value.region, outcome: 'failure', errorCode: error.code } };
  const counted: SecretEffect = { type: 'count-error', code: error.code ?? error.name };
  const countedRejected: SecretEffect = { type: 'count-rejected' };
  if (!previous || s.status === 'pending') {
    const state: RecordState = {
      ...s,
      status: 'failed',
      rejectedVersionId: value.versionId,
      rejectionReason: error.message,
      lastError: error,
      lastFetchFailed: true,
      failures: s.failures + 1,
    };
    // The error's message names the secret and what failed; the line adds the version.
    const message = `${error.message}${error.message.includes(value.versionId) ? '' : ` (version ${value.versionId})`}; retrying`;
    return {
      state,
      effects: [
        counted,
        countedRejected,
        rejected,
        { type: 'emit-error', error },
        { type: 'log', level: 'error', message, context: { versionId: value.versionId, code: error.code } },
        { type: 'schedule-retry', attempt: s.failures },
      ],
    };
  }
  const state = succeeded({ ...s, rejectedVersionId: value.versionId, rejectionReason: error.message }, now, okStatus(fallback), false, replica);
  return {
    state,
    effects: [
      counted,
      countedRejected,
      ...afterSuccess(now, replica),
      rejected,
      { type: 'log', level: 'warn', message: `${error.message}; version ${value.versionId} rejected, keeping version ${previous.versionId}`, context: { versionId: value.versionId, code: error.code } },
      { type: 'emit-rejected', versionId: value.versionId, keptVersionId: previous.versionId, reason: error.message },
    ],
  };
}

function fetchFailed(s: RecordState, error: KeyturnError, source: string, now: number, ctx: TransitionContext): Transition {
  const effects: SecretEffect[] = [{ type: 'count-error', code: error.code ?? error.name }];
  let state: RecordState = { ...s, lastError: error, lastFetchFailed: true, failures: s.failures + 1 };
  if (error.transient && isServable(s)) {
    const staleSince = s.staleSince ?? now;
    const staleUntil = staleSince + ctx.staleIfErrorMs;
    state = { ...state, staleSince, staleUntil };
    if (now < staleUntil) {
      state = { ...state, status: 'stale' };
      effects.push({ type: 'arm-stale-expiry', at: staleUntil });
    } else {
      const bound = boundError(ctx, staleSince, error);
      state = { ...state, status: 'failed', lastError: bound };
      effects.push({ type: 'disarm-stale-expiry' }, { type: 'log', level: 'error', message: bound.message, context: { code: bound.code } });
    }
  } else {
    // Past the stale bound, keep saying so while the outage lasts.
    if (error.transient && s.current && s.staleSince !== undefined) state = { ...state, lastError: boundError(ctx, s.staleSince, error) };
    state = { ...state, status: 'failed' };
  }
  const stale = state.status === 'stale';
  effects.push(
    { type: 'audit', fields: { type: 'error', versionId: s.current?.versionId, source, outcome: 'failure', errorCode: error.code } },
    { type: 'log', level: stale ? 'warn' : 'error', message: `${error.message}${stale ? ' (serving the last good value)' : ''}`, context: { code: error.code, state: state.status } },
    { type: 'emit-error', error },
    { type: 'schedule-retry', attempt: s.failures },
  );
  return { state, effects };
}

/**
 * An unfinished rotation reported by a connection: a metric, an audit record, a warning naming the
 * way out and an event, once per (AWSCURRENT, AWSPENDING) pair; the state keeps it until AWSCURRENT moves.
 */
function rotationUnfinished(s: RecordState, pendingVersionId: string | undefined, source: string, now: number, ctx: TransitionContext): Transition {
  const currentVersionId = s.current?.versionId;
  const known = s.rotationUnfinished;
  if (known && known.currentVersionId === currentVersionId && known.pendingVersionId === pendingVersionId) return { state: s, effects: [] };
  const secretId = ctx.secretId;
  const message =
    `Rotation of secret "${secretId}" is unfinished: AWSPENDING${pendingVersionId ? ` (version ${pendingVersionId})` : ''} authenticates where ` +
    `AWSCURRENT${currentVersionId ? ` (version ${currentVersionId})` : ''} is rejected, so AWSPENDING holds the working credentials; ` +
    `resume the rotation with its own token (keyturn secrets rotate ${secretId} --resume) and do not remove AWSPENDING`;
  return {
    state: { ...s, rotationUnfinished: { currentVersionId, pendingVersionId, since: now } },
    effects: [
      { type: 'count-rotation-unfinished' },
      { type: 'audit', fields: { type: 'rotation-unfinished', versionId: pendingVersionId, stage: 'AWSPENDING', source, outcome: 'failure' } },
      { type: 'log', level: 'warn', message, context: { versionId: currentVersionId, pendingVersionId } },
      { type: 'emit-rotation-unfinished', currentVersionId, pendingVersionId, at: now },
    ],
  };
}

function staleExpired(s: RecordState, ctx: TransitionContext): Transition {
  if (s.status !== 'stale' || s.staleSince === undefined) return { state: s, effects: [] };
  const bound = boundError(ctx, s.staleSince, s.lastError);
  return { state: { ...s, status: 'failed', lastError: bound }, effects: [{ type: 'log', level: 'error', message: bound.message, context: { code: bound.code } }] };
}

/** The error `get()` throws once the stale bound has passed. */
function boundError(ctx: TransitionContext, staleSince: number, cause: KeyturnError | undefined): KeyturnError {
  const hours = (ctx.staleIfErrorMs / 3_600_000).toFixed(1);
  return new SecretUnavailableError(
    `Secret "${ctx.secretId}" has been unavailable since ${new Date(staleSince).toISOString()}, longer than the stale bound (${hours} h); last error: ${cause?.code ?? 'unknown'}`,
    { secretId: ctx.secretId, code: cause?.code ?? 'StaleBoundExceeded', cause, hint: cause?.hint },
  );
}
