import { SecretAccessDeniedError } from '../errors/secret-access-denied.error.js';
import { SecretUnavailableError } from '../errors/secret-unavailable.error.js';
import { SecretValidationError } from '../errors/secret-validation.error.js';
import { SecretValue } from '../values/secret-value.js';
import { INITIAL_STATE, isServable, transition, type RecordState, type SecretEffect, type SecretEvent } from './secret-transition.js';
import type { SecretStatus } from './store.types.js';

const ctx = { secretId: 's', staleIfErrorMs: 60_000 };
const NOW = 1_000_000;
const value = (versionId: string, source = 'memory') => new SecretValue({ secretId: 's', versionId, source, secretString: `value-${versionId}` });
const v1 = value('v1');
const v2 = value('v2');
const transient = () => new SecretUnavailableError('Secret "s": throttled', { secretId: 's', code: 'ThrottlingException' });
const denied = () => new SecretAccessDeniedError('Secret "s": access denied', { secretId: 's', code: 'AccessDeniedException' });
const invalid = () => new SecretValidationError('s', [{ path: 'password', constraints: ['isDefined'] }]);
const types = (effects: readonly SecretEffect[]) => effects.map((e) => e.type);

/** A state of each status, as the store can reach it. */
const states: Record<SecretStatus, RecordState> = {
  pending: INITIAL_STATE,
  fresh: { status: 'fresh', current: v1, fetchedAt: NOW - 10, lastFetchFailed: false, failures: 0 },
  stale: { status: 'stale', current: v1, fetchedAt: NOW - 10, lastFetchFailed: true, failures: 2, lastError: transient(), staleSince: NOW - 5, staleUntil: NOW - 5 + 60_000 },
  fallback: { status: 'fallback', current: v1, fetchedAt: NOW - 10, lastFetchFailed: false, failures: 0 },
  failed: { status: 'failed', lastFetchFailed: true, failures: 1, lastError: denied() },
};

const events: Record<string, SecretEvent> = {
  'fetched v1': { type: 'fetched', value: v1, fallback: false, now: NOW },
  'fetched v2': { type: 'fetched', value: v2, fallback: false, now: NOW },
  'fetched v2 (fallback)': { type: 'fetched', value: v2, fallback: true, now: NOW },
  'computed v2': { type: 'computed', value: v2, fallback: false, now: NOW },
  'hook-failed v2': { type: 'hook-failed', value: v2, fallback: false, error: invalid(), now: NOW },
  'transient failure': { type: 'fetch-failed', error: transient(), source: 'memory', now: NOW },
  'refusal': { type: 'fetch-failed', error: denied(), source: 'memory', now: NOW },
  'stale-expired': { type: 'stale-expired', now: NOW + 120_000 },
  evicted: { type: 'evicted' },
  'rotation-unfinished': { type: 'rotation-unfinished', pendingVersionId: 'v2', source: 'memory', now: NOW },
};

describe('transition', () => {
  // Every status × every event: the invariants that hold whatever happens.
  for (const [status, state] of Object.entries(states)) {
    for (const [name, event] of Object.entries(events)) {
      it(`${status} × ${name}: keeps the invariants`, () => {
        const before = structuredClone({ ...state, current: undefined, lastError: undefined });
        const { state: next, effects } = transition(state, event, ctx);
        // Pure: the input state is not changed.
        expect({ ...state, current: undefined, lastError: undefined }).toEqual(before);
        // A servable state has a value; a failed state says why.
        if (isServable(next)) expect(next.current).toBeDefined();
        if (next.status === 'failed') expect(next.lastError).toBeDefined();
        // Stale has a bound, and a timer for it.
        if (next.status === 'stale') expect(next.staleUntil).toBeGreaterThan(event.type === 'fetch-failed' ? event.now : 0);
        // At most one compute, and then it is the only effect.
        if (types(effects).includes('compute')) expect(types(effects)).toEqual(['compute']);
        // Every failure is retried; every success plans the next refresh.
        if (event.type === 'fetch-failed') expect(types(effects)).toContain('schedule-retry');
        if (event.type === 'computed') expect(types(effects)).toEqual(expect.arrayContaining(['commit', 'schedule-refresh']));
        // No effect ever carries a value in a printable field.
        expect(JSON.stringify(effects.map((e) => ('value' in e || 'previous' in e ? e.type : e)))).not.toMatch(/value-v/);
      });
    }
  }

  it('a new version is computed first, then committed; a rotation is announced', () => {
    const fetched = transition(states.fresh, events['fetched v2'], ctx);
    expect(fetched.state).toBe(states.fresh);
    expect(fetched.effects).toEqual([{ type: 'compute', value: v2, fallback: false }]);
    const done = transition(states.fresh, events['computed v2'], ctx);
    expect(done.state).toMatchObject({ status: 'fresh', current: v2, fetchedAt: NOW, failures: 0, lastFetchFailed: false });
    expect(types(done.effects)).toEqual(['commit', 'disarm-stale-expiry', 'schedule-refresh', 'audit', 'log', 'rotated']);
    expect(done.effects).toContainEqual({ type: 'audit', fields: expect.objectContaining({ type: 'rotation', versionId: 'v2', outcome: 'success' }) });
  });

  it('a first version is a load, not a rotation', () => {
    const { state, effects } = transition(INITIAL_STATE, events['computed v2'], ctx);
    expect(state.status).toBe('fresh');
    expect(types(effects)).not.toContain('rotated');
    expect(effects).toContainEqual({ type: 'audit', fields: expect.objectContaining({ type: 'load' }) });
  });

  it('the same version is taken without hooks and clears a stale window', () => {
    const { state, effects } = transition(states.stale, events['fetched v1'], ctx);
    expect(state).toMatchObject({ status: 'fresh', current: v1, failures: 0, lastFetchFailed: false });
    expect(state.staleSince).toBeUndefined();
    expect(state.lastError).toBeUndefined();
    expect(types(effects)).toEqual(['disarm-stale-expiry', 'schedule-refresh', 'audit']);
  });

  it('a value from a fallback source is served as fallback', () => {
    expect(transition(states.fresh, { ...events['computed v2'], fallback: true } as SecretEvent, ctx).state.status).toBe('fallback');
  });

  it('a rejected new version keeps the last good value and is not computed again', () => {
    const { state, effects } = transition(states.fresh, events['hook-failed v2'], ctx);
    expect(state).toMatchObject({ status: 'fresh', current: v1, rejectedVersionId: 'v2' });
    expect(types(effects)).toEqual(['count-error', 'count-rejected', 'disarm-stale-expiry', 'schedule-refresh', 'audit', 'log', 'emit-rejected']);
    const again = transition(state, events['fetched v2'], ctx);
    expect(types(again.effects)).not.toContain('compute');
    expect(again.state.current).toBe(v1);
  });

  it('a rejected first version fails the record and retries with backoff; the same version is not computed again', () => {
    const { state, effects } = transition(INITIAL_STATE, events['hook-failed v2'], ctx);
    expect(state).toMatchObject({ status: 'failed', rejectedVersionId: 'v2', failures: 1, lastFetchFailed: true });
    expect(types(effects)).toEqual(['count-error', 'count-rejected', 'audit', 'emit-error', 'log', 'schedule-retry']);
    const again = transition(state, events['fetched v2'], ctx);
    expect(again.state).toMatchObject({ status: 'failed', failures: 2 });
    expect(again.effects).toContainEqual({ type: 'schedule-retry', attempt: 1 });
  });

  it('a transient failure serves the last good value as stale, within the bound', () => {
    const { state, effects } = transition(states.fresh, events['transient failure'], ctx);
    expect(state).toMatchObject({ status: 'stale', current: v1, staleSince: NOW, staleUntil: NOW + 60_000, failures: 1 });
    expect(effects).toContainEqual({ type: 'arm-stale-expiry', at: NOW + 60_000 });
    // The stale window counts from the first failure.
    const later = transition(state, { ...events['transient failure'], now: NOW + 1000 } as SecretEvent, ctx);
    expect(later.state).toMatchObject({ status: 'stale', staleSince: NOW, failures: 2 });
  });

  it('a transient failure past the bound fails with SecretUnavailableError', () => {
    const { state } = transition(states.stale, { ...events['transient failure'], now: NOW + 120_000 } as SecretEvent, ctx);
    expect(state.status).toBe('failed');
    expect(state.lastError).toBeInstanceOf(SecretUnavailableError);
    expect(state.lastError?.message).toMatch(/longer than the stale bound/);
    expect(state.current).toBe(v1);
  });

  it('a refusal is never papered over with a stale value', () => {
    for (const status of ['fresh', 'stale', 'fallback'] as const) {
      const { state } = transition(states[status], events.refusal, ctx);
      expect(state.status).toBe('failed');
      expect(state.lastError).toBeInstanceOf(SecretAccessDeniedError);
    }
  });

  it('a transient failure without a value fails', () => {
    expect(transition(INITIAL_STATE, events['transient failure'], ctx).state.status).toBe('failed');
  });

  it('the stale bound passing fails a stale record, and only a stale one', () => {
    const { state } = transition(states.stale, events['stale-expired'], ctx);
    expect(state.status).toBe('failed');
    expect(state.lastError).toBeInstanceOf(SecretUnavailableError);
    for (const status of ['pending', 'fresh', 'fallback', 'failed'] as const) {
      expect(transition(states[status], events['stale-expired'], ctx)).toEqual({ state: states[status], effects: [] });
    }
  });

  it('backoff attempts count consecutive failures', () => {
    let s: RecordState = states.fresh;
    const attempts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = transition(s, events.refusal, ctx);
      s = t.state;
      for (const e of t.effects) if (e.type === 'schedule-retry') attempts.push(e.attempt);
    }
    expect(attempts).toEqual([0, 1, 2]);
  });

  it('eviction returns to pending and cancels every plan', () => {
    const { state, effects } = transition(states.stale, events.evicted, ctx);
    expect(state.status).toBe('pending');
    expect(isServable(state)).toBe(false);
    expect(types(effects)).toEqual(['cancel-schedule', 'disarm-stale-expiry']);
  });

  it('an unfinished rotation is reported once per pair of versions and kept until AWSCURRENT moves', () => {
    const first = transition(states.fresh, events['rotation-unfinished'], ctx);
    expect(first.state).toMatchObject({ status: 'fresh', current: v1, rotationUnfinished: { currentVersionId: 'v1', pendingVersionId: 'v2', since: NOW } });
    expect(types(first.effects)).toEqual(['count-rotation-unfinished', 'audit', 'log', 'emit-rotation-unfinished']);
    expect(first.effects).toContainEqual({ type: 'audit', fields: expect.objectContaining({ type: 'rotation-unfinished', versionId: 'v2', stage: 'AWSPENDING', outcome: 'failure' }) });
    expect(first.effects).toContainEqual(expect.objectContaining({ type: 'log', level: 'warn', message: expect.stringContaining('keyturn secrets rotate s --resume') }));
    // The same versions again: nothing new.
    expect(transition(first.state, { ...events['rotation-unfinished'], now: NOW + 5 } as SecretEvent, ctx)).toEqual({ state: first.state, effects: [] });
    // Another AWSPENDING version while AWSCURRENT is still rejected: reported again.
    const other = transition(first.state, { ...events['rotation-unfinished'], pendingVersionId: 'v3' } as SecretEvent, ctx);
    expect(types(other.effects)).toContain('count-rotation-unfinished');
    // A refresh that finds the same AWSCURRENT keeps it; a new AWSCURRENT clears it.
    expect(transition(first.state, events['fetched v1'], ctx).state.rotationUnfinished).toEqual(first.state.rotationUnfinished);
    expect(transition(first.state, events['computed v2'], ctx).state.rotationUnfinished).toBeUndefined();
  });
});
