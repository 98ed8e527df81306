import { sweepOrphanServers } from './servers';

/** Before any suite: stop the servers an earlier, killed run left behind (see `servers.ts`). */
export default function globalSetup(): void {
  const killed = sweepOrphanServers();
  if (killed.length > 0) process.stderr.write(`\nstopped servers left by an earlier test run: ${killed.join(', ')}\n`);
}
