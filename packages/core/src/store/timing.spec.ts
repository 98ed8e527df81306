import { backoffDelay, refreshDelay } from './timing.js';

describe('refreshDelay (jitter window)', () => {
  it('stays within [TTL/2, TTL] by default and covers both ends', () => {
    const ttl = 3_600_000;
    expect(refreshDelay(ttl, [0.5, 1], () => 0)).toBe(1_800_000);
    expect(refreshDelay(ttl, [0.5, 1], () => 0.999999)).toBe(3_599_998);
    expect(refreshDelay(ttl, [0.5, 1], () => 0.5)).toBe(2_700_000);
    const seen = Array.from({ length: 1000 }, () => refreshDelay(ttl, [0.5, 1], Math.random));
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(ttl / 2);
    expect(Math.max(...seen)).toBeLessThanOrEqual(ttl);
    // Spread, not a single point: a fleet must not refresh in step.
    expect(new Set(seen).size).toBeGreaterThan(900);
  });

  it('honours a custom window and clamps to the timer limit', () => {
    expect(refreshDelay(1000, [0.8, 0.9], () => 0)).toBe(800);
    expect(refreshDelay(1000, [0.8, 0.9], () => 1)).toBe(900);
    expect(refreshDelay(10 ** 12, [0.5, 1], () => 1)).toBe(2 ** 31 - 1);
  });
});

describe('backoffDelay', () => {
  const cfg = { initialMs: 1000, maxMs: 120_000 };

  it('doubles from 1 s to a 2 min plateau (no jitter at factor 1)', () => {
    const seq = Array.from({ length: 10 }, (_, i) => backoffDelay(i, cfg, () => 0.5));
    expect(seq).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 64000, 120000, 120000, 120000]);
  });

  it('jitters each step within [0.75, 1.25] of the base, never above the plateau', () => {
    expect(backoffDelay(0, cfg, () => 0)).toBe(750);
    expect(backoffDelay(0, cfg, () => 1)).toBe(1250);
    expect(backoffDelay(3, cfg, () => 0)).toBe(6000);
    expect(backoffDelay(20, cfg, () => 0)).toBe(90_000);
    expect(backoffDelay(20, cfg, () => 1)).toBe(120_000);
    expect(backoffDelay(1000, cfg, () => 0.3)).toBeLessThanOrEqual(120_000);
  });
});
