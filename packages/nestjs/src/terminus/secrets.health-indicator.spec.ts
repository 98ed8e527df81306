import { HealthIndicatorService } from '@nestjs/terminus';
import type { SecretState, SecretStore } from '@keyturn/core';
import { SecretsHealthIndicator } from './secrets.health-indicator';

const fakeStore = (states: () => SecretState[]) => ({ states }) as unknown as SecretStore;
const indicator = (states: () => SecretState[], degradedAs?: 'up' | 'down') =>
  new SecretsHealthIndicator(new HealthIndicatorService(), fakeStore(states), degradedAs ? { degradedAs } : undefined);
const s = (secretId: string, state: SecretState['state'], extra: Partial<SecretState> = {}): SecretState => ({ secretId, required: true, state, ...extra });

describe('SecretsHealthIndicator', () => {
  it('is up when every required secret is fresh', () => {
    expect(indicator(() => [s('a', 'fresh', { source: 'aws', versionId: 'v1' })]).isHealthy()).toEqual({
      secrets: { status: 'up', state: 'up', secrets: { a: { state: 'fresh', required: true, source: 'aws', versionId: 'v1' } } },
    });
  });

  it('reports a fallback source and a stale value as degraded (up by default, down if configured)', () => {
    const states = () => [s('a', 'fallback', { source: 'env' }), s('b', 'stale', { staleUntil: new Date(Date.now() + 60_000) }), s('c', 'fresh')];
    expect(indicator(states).check('k').k).toMatchObject({ status: 'up', state: 'degraded', degraded: ['a', 'b'] });
    expect(indicator(states, 'down').check('k').k).toMatchObject({ status: 'down', state: 'degraded', degraded: ['a', 'b'] });
  });

  it('reports an unfinished rotation as degraded, with "rotation: unfinished" and the AWSPENDING version in the details', () => {
    const states = () => [s('db', 'fresh', { versionId: 'v1', rotationUnfinished: { pendingVersionId: 'v2', since: new Date() } }), s('c', 'fresh')];
    const result = indicator(states).check('k').k;
    expect(result).toMatchObject({ status: 'up', state: 'degraded', degraded: ['db'] });
    expect(result.secrets).toMatchObject({ db: { state: 'fresh', versionId: 'v1', rotation: 'unfinished', pendingVersionId: 'v2' } });
    expect(result.secrets.c).not.toHaveProperty('rotation');
  });

  it('is down when a required secret failed (access denied) or its stale bound has passed', () => {
    const result = indicator(() => [
      s('a', 'failed', { lastErrorCode: 'AccessDeniedException' }),
      s('b', 'stale', { staleUntil: new Date(Date.now() - 1) }),
      s('c', 'failed', { required: false }),
    ]).isHealthy();
    expect(result.secrets).toMatchObject({ status: 'down', state: 'down', failing: ['a', 'b'], degraded: ['c'] });
    expect(result.secrets.secrets).toMatchObject({ a: { lastErrorCode: 'AccessDeniedException' } });
  });

  it('never throws and never puts status in its data', () => {
    const result = indicator(() => {
      throw new Error('boom');
    }).isHealthy();
    expect(result).toEqual({ secrets: { status: 'down', state: 'down', error: 'Error' } });
    const data = indicator(() => [s('a', 'fresh')]).isHealthy().secrets as Record<string, unknown>;
    expect(Object.keys(data).filter((k) => k === 'status')).toEqual(['status']);
    expect(Object.keys(data.secrets as object)).toEqual(['a']);
  });
});

describe('SecretsHealthIndicator without details', () => {
  it('gives the state and counts only, with the same status', () => {
    const states = () => [s('db/secret', 'stale', { versionId: 'v1', staleUntil: new Date(Date.now() + 60_000) }), s('jwt', 'fresh', { versionId: 'v2' })];
    const result = indicator(states).check('k', { details: false });
    expect(result).toEqual({ k: { status: 'up', state: 'degraded', counts: { total: 2, failing: 0, degraded: 1 } } });
    expect(JSON.stringify(result)).not.toMatch(/db\/secret|v1|v2|jwt/);
    const down = new SecretsHealthIndicator(new HealthIndicatorService(), fakeStore(() => [s('a', 'failed', { lastErrorCode: 'AccessDeniedException' })]), { details: false }).check('k');
    expect(down).toEqual({ k: { status: 'down', state: 'down', counts: { total: 1, failing: 1, degraded: 0 } } });
  });
});

describe('SecretsHealthIndicator in migration mode', () => {
  it('lists open mismatches (key paths and versions) without changing the status', () => {
    const mismatch = { secretId: 'app/clients/a', stage: 'AWSCURRENT', keys: [{ path: 'db.password', kind: 'different' as const }], oldSource: 'sql', oldVersionId: 'o1', newSource: 'aws', newVersionId: 'n1', served: 'old' as const, at: new Date(0) };
    const view = { prefer: 'old' as const, mismatches: () => [mismatch] };
    const result = new SecretsHealthIndicator(new HealthIndicatorService(), fakeStore(() => [s('app/clients/a', 'fresh', { source: 'sql' })]), undefined, [view]).check('k');
    expect(result.k).toEqual({
      status: 'up',
      state: 'up',
      secrets: { 'app/clients/a': { state: 'fresh', required: true, source: 'sql' } },
      migration: { prefer: 'old', mismatches: [{ secretId: 'app/clients/a', keyPaths: ['db.password'], oldSource: 'sql', oldVersionId: 'o1', newSource: 'aws', newVersionId: 'n1', served: 'old', since: '1970-01-01T00:00:00.000Z' }] },
    });
  });
});
