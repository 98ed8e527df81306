import type { LoadStats } from './load-generator.js';

/** What the live view shows besides the load counters. */
export interface DemoProgress {
  readonly elapsedMs: number;
  readonly rotationsDone: number;
  readonly rotationsPlanned: number;
  readonly current: string;
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

/** Renders the live table (a few lines, no colours, no values). */
export function renderLiveTable(stats: LoadStats, progress: DemoProgress, rps: number): string {
  const k = stats.byKind;
  return [
    `  elapsed ${pad((progress.elapsedMs / 1000).toFixed(0), 4)} s | rotations ${pad(progress.rotationsDone, 2)}/${progress.rotationsPlanned} | now: ${progress.current}`,
    `  requests ${pad(stats.requests, 7)} | failed ${pad(stats.failures, 4)} | ${pad(rps.toFixed(0), 4)} req/s | p50 ${pad(stats.p50Ms.toFixed(1), 6)} ms | p99 ${pad(stats.p99Ms.toFixed(1), 6)} ms`,
    `  orders ${pad(k.order, 6)} | reads ${pad(k.read, 6)} | webhooks ${pad(k.webhook, 6)} | emails ${pad(k.email, 6)} | auth ${pad(k.auth, 6)}`,
  ].join('\n');
}
