/** Largest delay `setTimeout` accepts. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * When to refresh a value fetched now: a uniformly jittered point in [ttl*lo, ttl*hi] (by default
 * [TTL/2, TTL]) so that a fleet started together does not refresh in step.
 */
export function refreshDelay(ttlMs: number, jitter: readonly [number, number], random: () => number): number {
  const [lo, hi] = jitter;
  return Math.min(MAX_TIMER_MS, Math.max(0, Math.round(ttlMs * (lo + (hi - lo) * random()))));
}

/**
 * Delay before retry number `attempt` (0-based) after consecutive failures: `initialMs` doubling up
 * to `maxMs`, multiplied by a jitter factor in [0.75, 1.25], never above `maxMs`.
 */
export function backoffDelay(attempt: number, backoff: { initialMs: number; maxMs: number }, random: () => number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.min(backoff.maxMs, Math.round(base * (0.75 + 0.5 * random())));
}
