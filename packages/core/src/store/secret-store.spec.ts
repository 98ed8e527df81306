import { SecretAccessDeniedError } from '../errors/secret-access-denied.error.js';
import { SecretKeyMissingError } from '../errors/secret-key-missing.error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { AwsSecretsManagerSource } from '../sources/aws-secrets-manager.source.js';
import { SecretNotLoadedError } from '../errors/secret-not-loaded.error.js';
import { SecretUnavailableError } from '../errors/secret-unavailable.error.js';
import { SecretValidationError } from '../errors/secret-validation.error.js';
import { SecretsStartupError } from '../errors/secrets-startup.error.js';
import { InvalidSecretReferenceError } from '../errors/invalid-secret-reference.error.js';
import type { AuditEvent } from '../observability/audit.js';
import { MemorySource } from '../sources/memory.source.js';
import { EnvSource } from '../sources/env.source.js';
import type { SecretFetchResult, SecretRequest, SecretSource } from '../sources/secret-source.js';
import { SecretValue } from '../values/secret-value.js';
import { SecretStore } from './secret-store.js';
import type { RotationEvent, SecretState } from './store.types.js';

const HOUR = 3_600_000;
const awsError = (name: string) => Object.assign(new Error(`${name} from AWS`), { name, $metadata: { httpStatusCode: name === 'InternalServiceError' ? 500 : 400 } });
const netError = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

/** A source over MemorySource that counts calls and can hold fetches until released. */
class GatedSource implements SecretSource {
  readonly name = 'fake';
  calls: SecretRequest[][] = [];
  #gate?: Promise<void>;
  #release?: () => void;
  constructor(readonly memory: MemorySource) {}
  hold(): void {
    this.#gate = new Promise((r) => (this.#release = r));
  }
  release(): void {
    this.#release?.();
    this.#gate = undefined;
  }
  async fetch(requests: readonly SecretRequest[]): Promise<SecretFetchResult[]> {
    this.calls.push([...requests]);
    if (this.#gate) await this.#gate;
    return this.memory.fetch(requests);
  }
}

function setup(secrets: Record<string, string | Record<string, unknown>> = { 'app/db': { user: 'u', password: 'p1' } }, opts: ConstructorParameters<typeof SecretStore>[0] = {}) {
  const memory = new MemorySource({ secrets });
  const source = new GatedSource(memory);
  const audit: AuditEvent[] = [];
  const store = new SecretStore({ sources: source, random: () => 0.5, logger: { log: () => {}, warn: () => {}, error: () => {} }, audit: { record: (e) => audit.push(e) }, metrics: { openTelemetry: false }, ...opts });
  return { memory, source, store, audit };
}

/** Advances fake time, then lets the promise chains started by the fired timers settle. */
async function advance(ms: number): Promise<void> {
  await jest.advanceTimersByTimeAsync(ms);
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** The planned refresh lies in the jitter range, at or before its middle (a refresh window boundary). */
function expectRefreshWithin(state: { nextRefreshAt?: Date; fetchedAt?: Date }, min: number, max: number): void {
  const delay = state.nextRefreshAt!.getTime() - state.fetchedAt!.getTime();
  expect(delay).toBeGreaterThanOrEqual(min);
  expect(delay).toBeLessThanOrEqual(max);
}

describe('SecretStore', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('loads everything registered in one source call and serves synchronously', async () => {
    const { store, source } = setup({ a: 'A', b: 'B', c: '{"k":1}' });
    const a = store.register({ ref: 'a' });
    const b = store.register({ ref: 'b', transform: (v) => v.text().toLowerCase() });
    const c = store.register({ ref: 'c:k' });
    expect(() => a.get()).toThrow(SecretNotLoadedError);
    await store.start();
    expect(source.calls).toHaveLength(1);
    expect(source.calls[0].map((r) => r.secretId)).toEqual(['a', 'b', 'c']);
    expect(a.get().text()).toBe('A');
    expect(b.get()).toBe('b');
    expect(c.get().field('k')).toBe(1);
    expect(a.state()).toMatchObject({ state: 'fresh', source: 'memory', required: true });
    await store.stop();
  });

  it('startupJitterMs: start() fetches after a random part of it; a secret registered meanwhile joins that fetch; a second start() does not wait', async () => {
    const { store, source } = setup({ a: 'A', b: 'B', c: 'C' }, { startupJitterMs: 10_000, random: () => 0.25 });
    const a = store.register({ ref: 'a' });
    let started = false;
    const first = store.start().then(() => (started = true));
    await advance(2_499);
    expect(source.calls).toHaveLength(0);
    expect(started).toBe(false);
    const b = store.register({ ref: 'b' });
    await advance(1);
    await first;
    expect(source.calls.map((c) => c.map((r) => r.secretId))).toEqual([['a', 'b']]);
    expect([a.get().text(), b.get().text()]).toEqual(['A', 'B']);
    store.register({ ref: 'c' });
    let again = false;
    const second = store.start().then(() => (again = true));
    await advance(0);
    await second;
    expect(again).toBe(true);
    expect(source.calls.map((c) => c.map((r) => r.secretId))).toEqual([['a', 'b'], ['c']]);
    await store.stop();
  });

  it('throws at definition time for a malformed reference', () => {
    const { store } = setup();
    expect(() => store.register({ ref: 'bad name' })).toThrow(InvalidSecretReferenceError);
  });

  it('refreshes in the background at a jittered point in [TTL/2, TTL] and detects rotation', async () => {
    const { store, source, memory } = setup({ s: 'v1' }, { random: () => 0.5 });
    const e = store.register({ ref: 's', ttlMs: HOUR });
    await store.start();
    const first = e.current()!.versionId;
    expectRefreshWithin(e.state(), 0.5 * HOUR, 0.75 * HOUR);
    const events: RotationEvent<SecretValue>[] = [];
    e.subscribe((ev) => events.push(ev));
    const newId = memory.put('s', 'v2');
    await advance(e.state().nextRefreshAt!.getTime() - Date.now() - 10);
    expect(source.calls).toHaveLength(1);
    expect(e.get().text()).toBe('v1');
    await advance(20);
    expect(source.calls).toHaveLength(2);
    expect(e.get().text()).toBe('v2');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ secretId: 's', previousVersionId: first, versionId: newId, stage: 'AWSCURRENT' });
    expect(events[0].value.text()).toBe('v2');
    await store.stop();
  });

  it('refreshes in the background a secret first loaded through refresh() before start()', async () => {
    const { store, source, memory } = setup({ s: 'v1' }, { random: () => 0.5 });
    const e = store.register({ ref: 's', ttlMs: HOUR });
    await store.refresh('s');
    expect(e.get().text()).toBe('v1');
    expect(e.state().nextRefreshAt).toBeUndefined();
    await store.start();
    expect(source.calls).toHaveLength(1);
    expectRefreshWithin(e.state(), 0.5 * HOUR, 0.75 * HOUR);
    const events: RotationEvent<SecretValue>[] = [];
    e.subscribe((ev) => events.push(ev));
    const newId = memory.put('s', 'v2');
    await advance(0.75 * HOUR + 10);
    expect(source.calls).toHaveLength(2);
    expect(e.get().text()).toBe('v2');
    expect(events).toMatchObject([{ secretId: 's', versionId: newId }]);
    // One timer per entry: the next refresh is one more jittered TTL away, not two.
    await advance(0.75 * HOUR + 10);
    expect(source.calls).toHaveLength(3);
    await store.stop();
    expect(e.state().nextRefreshAt).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
    await advance(2 * HOUR);
    expect(source.calls).toHaveLength(3);
  });

  it('schedules exactly one refresh per entry for entries loaded before and after start()', async () => {
    const { store, source, memory } = setup({ a: 'A', b: 'B', c: 'C' }, { random: () => 0.5, ttlMs: HOUR });
    store.register({ ref: 'a' });
    await store.refresh('a');
    await store.fetchVersion('b', { versionStage: 'AWSCURRENT' });
    await store.start();
    const c = await store.load({ ref: 'c' });
    await store.refresh('a', { force: true });
    expect(jest.getTimerCount()).toBe(2);
    expect(store.states().map((s) => s.nextRefreshAt !== undefined)).toEqual([true, true]);
    source.calls.length = 0;
    memory.put('c', 'C2');
    await advance(0.75 * HOUR + 10);
    expect(source.calls.flat().map((r) => r.secretId).sort()).toEqual(['a', 'c']);
    expect(c.get().text()).toBe('C2');
    await store.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('single-flight: 100 concurrent cold loads make one source call', async () => {
    const { store, source } = setup({ t1: 'x' });
    source.hold();
    const loads = Array.from({ length: 100 }, () => store.load({ ref: 't1' }));
    await advance(0);
    source.release();
    const entries = await Promise.all(loads);
    expect(source.calls).toHaveLength(1);
    expect(new Set(entries.map((e) => e.get().versionId)).size).toBe(1);
    expect(store.metrics().misses).toBe(100);
    await store.stop();
  });

  it('does not parse or validate again when the VersionId is unchanged', async () => {
    const { store, source, memory } = setup({ s: '{"n":1}' }, { ttlMs: 1000 });
    const validate = jest.fn((v: SecretValue) => v.json<{ n: number }>());
    const e = store.register({ ref: 's', validate });
    await store.start();
    const parsed = e.get();
    await advance(5000);
    expect(source.calls.length).toBeGreaterThanOrEqual(4);
    expect(validate).toHaveBeenCalledTimes(1);
    expect(e.get()).toBe(parsed);
    memory.put('s', '{"n":2}');
    await advance(1000);
    expect(validate).toHaveBeenCalledTimes(2);
    expect(e.get()).toEqual({ n: 2 });
    await store.stop();
  });

  it('registering the same reference twice shares one record and one refresh loop', async () => {
    const { store, source } = setup({ s: 'v' }, { ttlMs: 1000 });
    const one = store.register({ ref: 's' });
    const two = store.register({ ref: 's', transform: (v) => v.text().length });
    await store.start();
    expect(one.get().text()).toBe('v');
    expect(two.get()).toBe(1);
    await advance(1000);
    expect(source.calls.map((c) => c.length)).toEqual([1, 1]);
    expect(store.states()).toHaveLength(1);
    await store.stop();
  });

  it('rejects a new version that fails validation and keeps the last good value', async () => {
    const { store, memory, audit } = setup({ s: '{"port":5432}' }, { ttlMs: 1000 });
    const e = store.register({
      ref: 's',
      validate: (v) => {
        const port = v.field('port');
        if (typeof port !== 'number') throw new SecretValidationError('s', [{ path: 'port', constraints: ['isInt'] }]);
        return { port };
      },
    });
    await store.start();
    const good = e.current()!.versionId;
    const rejected: unknown[] = [];
    const rotations: unknown[] = [];
    store.on('rejected', (ev) => rejected.push(ev));
    store.on('rotation', (ev) => rotations.push(ev));
    const bad = memory.put('s', '{"port":"oops"}');
    await advance(1000);
    expect(e.get()).toEqual({ port: 5432 });
    expect(e.current()!.versionId).toBe(good);
    expect(rotations).toHaveLength(0);
    expect(rejected).toEqual([expect.objectContaining({ secretId: 's', versionId: bad, keptVersionId: good, reason: expect.stringContaining('port: isInt') })]);
    expect(e.state()).toMatchObject({ state: 'fresh', versionId: good, rejectedVersionId: bad, rejectionReason: expect.stringContaining('isInt') });
    expect(audit.filter((a) => a.type === 'rejected')).toEqual([expect.objectContaining({ versionId: bad, outcome: 'failure' })]);
    // The rejected version is not validated again on later refreshes; a fixed version is taken.
    await advance(2000);
    expect(rejected).toHaveLength(1);
    memory.put('s', '{"port":6543}');
    await advance(1000);
    expect(e.get()).toEqual({ port: 6543 });
    expect(e.state().rejectedVersionId).toBeUndefined();
    await store.stop();
  });

  it('a foreign error thrown by a hook is reported without its message', async () => {
    const { store, memory } = setup({ s: 'ok' }, { ttlMs: 1000 });
    const e = store.register({ ref: 's', validate: (v) => {
        if (v.text() !== 'ok') throw new RangeError(`bad value ${v.text()}`);
        return v;
      },
    });
    await store.start();
    memory.put('s', 'CANARY-123');
    await advance(1000);
    expect(e.state().rejectionReason).toContain('RangeError');
    expect(e.state().rejectionReason).not.toContain('CANARY');
    await store.stop();
  });

  it('names the JSON key of a failing hook and logs each failure without repeating itself', async () => {
    const lines: string[] = [];
    const logger = { log: (m: string) => lines.push(`LOG ${m}`), warn: (m: string) => lines.push(`WARN ${m}`), error: (m: string) => lines.push(`ERROR ${m}`) };
    const { store, memory } = setup({ s: '{"port":"x"}' }, { ttlMs: 1000, logger });
    const e = store.register({
      ref: 's:port',
      required: false,
      validate: (v) => {
        const port = v.field('port');
        if (typeof port !== 'number') throw new TypeError(`port ${String(port)}`);
        return port;
      },
    });
    await store.start();
    expect(e.state().rejectionReason).toBe('Secret "s" failed validation: port: TypeError thrown by the validate/transform hook (message withheld: it may quote the value)');
    memory.put('s', '{"port":5432}');
    await advance(1000);
    expect(e.get()).toBe(5432);
    memory.put('s', '{"port":"y"}');
    await advance(1000);
    expect(e.get()).toBe(5432);
    const failures = lines.filter((l) => l.includes('TypeError'));
    expect(failures).toHaveLength(2);
    for (const line of failures) {
      expect(line.match(/failed validation/g)).toHaveLength(1);
      expect(line.match(/Secret "s"/g)).toHaveLength(1);
      expect(line).toContain('port: TypeError');
    }
    expect(failures[1]).toMatch(/^WARN .*keeping version/);
    await store.stop();
  });

  it('serves the last good value on transient errors, as stale, up to the bound', async () => {
    const { store, memory, source } = setup({ s: 'v' }, { ttlMs: 10_000, staleIfErrorMs: 60_000 });
    const e = store.register({ ref: 's' });
    await store.start();
    memory.fail('s', awsError('ThrottlingException'));
    await advance(e.state().nextRefreshAt!.getTime() - Date.now());
    expect(e.state()).toMatchObject({ state: 'stale', lastErrorCode: 'ThrottlingException' });
    const st = e.state();
    expect(st.staleUntil!.getTime() - st.staleSince!.getTime()).toBe(60_000);
    expect(e.get().text()).toBe('v');
    expect(store.metrics().staleServes).toBe(1);
    // Backoff: retries at ~1 s, 2 s, 4 s ... (random 0.5 -> exact base)
    const before = source.calls.length;
    await advance(1000);
    expect(source.calls.length).toBe(before + 1);
    await advance(1999);
    expect(source.calls.length).toBe(before + 1);
    await advance(1);
    expect(source.calls.length).toBe(before + 2);
    // Past the bound: failed, get() throws naming the secret.
    await advance(60_000);
    expect(e.state().state).toBe('failed');
    expect(() => e.get()).toThrow(SecretUnavailableError);
    expect(() => e.get()).toThrow(/"s".*stale bound/);
    // Recovery
    memory.fail('s', undefined);
    await advance(130_000);
    expect(e.state()).toMatchObject({ state: 'fresh' });
    expect(e.state().staleSince).toBeUndefined();
    expect(e.get().text()).toBe('v');
    await store.stop();
  });

  it.each(['AccessDeniedException', 'ResourceNotFoundException', 'DecryptionFailure'])('does not hide %s behind a stale value', async (code) => {
    const { store, memory } = setup({ s: 'v' }, { ttlMs: 10_000 });
    const e = store.register({ ref: 's' });
    await store.start();
    memory.fail('s', awsError(code));
    await advance(10_000);
    expect(e.state()).toMatchObject({ state: 'failed', lastErrorCode: code });
    expect(() => e.get()).toThrow(/"s"/);
    // A transient blip afterwards does not bring the revoked value back.
    memory.fail('s', netError());
    await advance(5_000);
    expect(e.state().state).toBe('failed');
    await store.stop();
  });

  it('start() fails with one SecretsStartupError listing every failing required secret; optional ones do not block', async () => {
    const { store, memory } = setup({ ok: 'v', denied: 'v' });
    memory.fail('denied', awsError('AccessDeniedException'));
    store.register({ ref: 'ok' });
    store.register({ ref: 'denied' });
    store.register({ ref: 'missing' });
    store.register({ ref: 'optional-missing', required: false });
    const err = await store.start().catch((e) => e);
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect((err as SecretsStartupError).failures.map((f) => [f.secretId, f.error.code])).toEqual([
      ['denied', 'AccessDeniedException'],
      ['missing', 'ResourceNotFoundException'],
    ]);
    expect(err.message).toContain('denied: SecretAccessDeniedError (AccessDeniedException); check IAM secretsmanager:GetSecretValue');
    expect(err.message).toContain('missing: SecretNotFoundError');
    expect(err.message).not.toContain('optional-missing');
    expect((err as SecretsStartupError).failures[0].error).toBeInstanceOf(SecretAccessDeniedError);
  });

  it('an optional secret that fails keeps retrying and loads later', async () => {
    const { store, memory } = setup({ ok: 'v' });
    const opt = store.register({ ref: 'later', required: false });
    await store.start();
    expect(opt.state().state).toBe('failed');
    memory.put('later', 'now');
    await advance(1000);
    expect(opt.get().text()).toBe('now');
    await store.stop();
  });

  it('marks values served by a non-primary source as fallback', async () => {
    const memory = new MemorySource({ secrets: { a: 'from-memory' } });
    const env = new EnvSource({ mapping: { b: 'B_VAR' }, env: { B_VAR: 'from-env' } });
    const store = new SecretStore({ sources: [memory, env], metrics: { openTelemetry: false } });
    const a = store.register({ ref: 'a' });
    const b = store.register({ ref: 'b' });
    await store.start();
    expect(a.state()).toMatchObject({ state: 'fresh', source: 'memory' });
    expect(b.state()).toMatchObject({ state: 'fallback', source: 'env' });
    expect(b.get().text()).toBe('from-env');
    expect(store.metrics().fallbackServes).toBe(1);
    await store.stop();
  });

  it('refresh(force) fetches now and reports a change; fetchVersion reads other stages without caching', async () => {
    const { store, memory, source } = setup({ s: 'v1' });
    const e = store.register({ ref: 's' });
    await store.start();
    expect(await store.refresh('s')).toEqual({ changed: false, versionId: e.current()!.versionId });
    expect(source.calls).toHaveLength(1); // within minRefreshIntervalMs: not fetched
    const v2 = memory.put('s', 'v2');
    expect(await store.refresh('s', { force: true })).toEqual({ changed: true, versionId: v2 });
    const prev = await store.fetchVersion('s', { versionStage: 'AWSPREVIOUS' });
    expect(prev.text()).toBe('v1');
    expect(e.get().text()).toBe('v2');
    await expect(store.refresh('unknown')).rejects.toThrow(/not registered/);
    memory.fail('s', awsError('AccessDeniedException'));
    await expect(store.refresh('s', { force: true })).rejects.toThrow(SecretAccessDeniedError);
    await store.stop();
  });

  it('a stage the secret does not have (AWSPREVIOUS before any rotation) is an answer, not a failure: no error metric, no error record', async () => {
    const { store, audit } = setup({ s: 'v1' });
    store.register({ ref: 's' });
    await store.start();
    await expect(store.fetchVersion('s', { versionStage: 'AWSPREVIOUS' })).rejects.toThrow(SecretNotFoundError);
    expect(store.metrics().errors).toEqual({});
    expect(audit.filter((a) => a.type === 'error')).toEqual([]);
    // A secret that is not there at all is still a failure.
    await expect(store.fetchVersion('gone', { versionStage: 'AWSCURRENT' })).rejects.toThrow(SecretNotFoundError);
    expect(store.metrics().errors).toEqual({ ResourceNotFoundException: 1 });
    expect(audit.filter((a) => a.type === 'error').map((a) => [a.secretId, a.errorCode])).toEqual([['gone', 'ResourceNotFoundException']]);
    await store.stop();
  });

  it('an unfinished rotation reported by a connection is a metric, an audit record, a warning, an event and a state until AWSCURRENT moves', async () => {
    const warnings: string[] = [];
    const { store, memory, audit } = setup({ 'app/db': { password: 'old-password-1' } }, { logger: { log: () => {}, warn: (m) => void warnings.push(m), error: () => {} } });
    const e = store.register({ ref: 'app/db' });
    await store.start();
    const current = e.current()!.versionId;
    const pending = memory.put('app/db', { password: 'new-password-2' }, { versionStages: ['AWSPENDING'] });
    const events: unknown[] = [];
    store.on('rotationUnfinished', (ev) => events.push(ev));
    expect((await store.fetchVersion('app/db', { versionStage: 'AWSPENDING' })).versionId).toBe(pending);
    store.reportRotationUnfinished('app/db');
    store.reportRotationUnfinished('app/db'); // the same versions count once
    expect(e.state().rotationUnfinished).toEqual({ pendingVersionId: pending, since: expect.any(Date) });
    expect(store.metrics().rotationsUnfinished).toBe(1);
    expect(audit.filter((a) => a.type === 'rotation-unfinished')).toEqual([expect.objectContaining({ secretId: 'app/db', versionId: pending, stage: 'AWSPENDING', outcome: 'failure' })]);
    expect(warnings.filter((w) => w.includes('unfinished'))).toEqual([expect.stringContaining('keyturn secrets rotate app/db --resume')]);
    expect(events).toEqual([expect.objectContaining({ secretId: 'app/db', currentVersionId: current, pendingVersionId: pending })]);
    expect(JSON.stringify([e.state(), audit, warnings, events])).not.toMatch(/password-[12]/);
    // The rotation finishes: AWSPENDING becomes AWSCURRENT, and the state no longer says unfinished.
    memory.put('app/db', { password: 'new-password-2' }, { versionId: `${pending}-finished` });
    await store.refresh('app/db', { force: true });
    expect(e.state().rotationUnfinished).toBeUndefined();
    await store.stop();
  });

  it('secrets registered after start() load in the background, together', async () => {
    const { store, source } = setup({ a: 'A', b: 'B', c: 'C' });
    store.register({ ref: 'a' });
    await store.start();
    const b = store.register({ ref: 'b' });
    const c = store.register({ ref: 'c' });
    await advance(0);
    expect(source.calls.map((call) => call.map((r) => r.secretId))).toEqual([['a'], ['b', 'c']]);
    expect([b.get().text(), c.get().text()]).toEqual(['B', 'C']);
    await store.stop();
  });

  it('invalidate() fetches in the next turn and settles when that fetch ended; invalidations before it join one fetch', async () => {
    const { store, source, memory } = setup({ a: 'v1', b: 'w1' });
    const a = store.register({ ref: 'a' });
    store.register({ ref: 'b' });
    await store.start();
    source.calls = [];
    memory.put('a', 'v2');
    source.hold();
    let settled = false;
    const first = store.invalidate('a').then(() => (settled = true));
    const second = store.invalidate('a');
    await advance(0);
    expect(source.calls).toHaveLength(1);
    expect(settled).toBe(false);
    // Under way: a further invalidation waits for the same fetch, and plans no other.
    const third = store.invalidate('a');
    source.release();
    await Promise.all([first, second, third]);
    expect(settled).toBe(true);
    expect(a.get().text()).toBe('v2');
    await advance(0);
    expect(source.calls).toHaveLength(1);
    // Unknown secrets and a stopped store settle at once.
    await store.invalidate('unknown');
    const pending = store.invalidate('b');
    await store.stop();
    await pending;
    await store.invalidate('a');
    expect(source.calls).toHaveLength(1);
  });

  it('evict drops the cache entry', async () => {
    const { store } = setup({ s: 'v' });
    const e = await store.load({ ref: 's' });
    store.evict('s');
    expect(store.states()).toHaveLength(0);
    expect(() => e.get()).toThrow(/evicted/);
    await store.stop();
  });

  it('emits state and error events and counts metrics', async () => {
    const { store, memory } = setup({ s: 'v' }, { ttlMs: 1000 });
    const states: SecretState[] = [];
    const errors: string[] = [];
    store.on('state', (s) => states.push(s));
    const off = store.on('error', (e) => errors.push(e.error.code!));
    const e = store.register({ ref: 's' });
    await store.start();
    e.get();
    e.get();
    memory.fail('s', netError());
    await advance(1000);
    off();
    await advance(5000);
    expect(states.map((s) => s.state)).toEqual(['fresh', 'stale']);
    expect(errors).toEqual(['ECONNREFUSED']);
    const m = store.metrics();
    expect(m.hits).toBe(2);
    expect(m.errors.ECONNREFUSED).toBeGreaterThanOrEqual(2);
    expect(m.apiCalls).toEqual({});
    expect(m.refreshLatencyMs.count).toBeGreaterThanOrEqual(3);
    await store.stop();
  });

  it('checks that a referenced JSON key exists in every version', async () => {
    const { store } = setup({ c: '{"k":1}' });
    store.register({ ref: 'c:absent' });
    const err = await store.start().catch((e) => e);
    expect(err).toBeInstanceOf(SecretsStartupError);
    expect(err.failures[0].error).toBeInstanceOf(SecretKeyMissingError);
    expect(err.message).toContain('c: SecretKeyMissingError');
  });

  it('creates an AWS source when none is given and destroys it on stop()', async () => {
    const destroy = jest.spyOn(AwsSecretsManagerSource.prototype, 'destroy');
    const store = new SecretStore({ metrics: { openTelemetry: false } });
    await store.start();
    await store.stop();
    expect(destroy).toHaveBeenCalledTimes(1);
    destroy.mockRestore();
    const given = new MemorySource();
    const spy = jest.fn();
    (given as unknown as { destroy: () => void }).destroy = spy;
    const other = new SecretStore({ sources: given, metrics: { openTelemetry: false } });
    await other.start();
    await other.stop();
    expect(spy).not.toHaveBeenCalled();
  });

  it('stop() clears timers', async () => {
    const { store, source } = setup({ s: 'v' }, { ttlMs: 1000 });
    store.register({ ref: 's' });
    await store.start();
    await store.stop();
    await advance(10_000);
    expect(source.calls).toHaveLength(1);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('SecretStore: a first version that fails validation', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('is not validated again on retries, and a new good version loads', async () => {
    const memory = new MemorySource({ secrets: { s: 'bad' } });
    const validate = jest.fn((v: SecretValue) => {
      if (v.text() !== 'good') throw new SecretValidationError('s', [{ path: '', constraints: ['equals'] }]);
      return v;
    });
    const store = new SecretStore({ sources: memory, random: () => 0.5, metrics: { openTelemetry: false } });
    const e = store.register({ ref: 's', required: false, validate });
    await store.start();
    expect(e.state()).toMatchObject({ state: 'failed', rejectedVersionId: expect.any(String), lastErrorCode: 'ValidationFailed' });
    await jest.advanceTimersByTimeAsync(1000 + 2000 + 4000);
    expect(memory.calls).toBeGreaterThanOrEqual(4);
    expect(validate).toHaveBeenCalledTimes(1);
    memory.put('s', 'good');
    await jest.advanceTimersByTimeAsync(8000);
    expect(e.get().text()).toBe('good');
    expect(validate).toHaveBeenCalledTimes(2);
    expect(e.state().rejectedVersionId).toBeUndefined();
    await store.stop();
  });
});
