import { TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it('gives the burst at once, then refills at the rate, never above the burst', () => {
    let now = 1_000;
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3, now: () => now });
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, true, false]);
    expect(bucket.msUntilToken()).toBe(100);
    now += 100;
    expect(bucket.tryTake()).toBe(true);
    expect(bucket.tryTake()).toBe(false);
    now += 60_000;
    let taken = 0;
    while (bucket.tryTake()) taken++;
    expect(taken).toBe(3);
  });

  it('bounds what is taken over any window by burst + rate × seconds', () => {
    let now = 0;
    const bucket = new TokenBucket({ ratePerSecond: 5, burst: 4, now: () => now });
    let taken = 0;
    for (let step = 0; step < 10_000; step++) {
      now += 1; // 10 s in 1 ms steps, trying on every step
      if (bucket.tryTake()) taken++;
    }
    expect(taken).toBeLessThanOrEqual(4 + 5 * 10);
    expect(taken).toBeGreaterThanOrEqual(5 * 10);
  });

  it('refuses a rate or burst that would not bound anything', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 1 })).toThrow(/ratePerSecond > 0/);
    expect(() => new TokenBucket({ ratePerSecond: 1, burst: 0 })).toThrow(/burst >= 1/);
  });
});
