import type { ChildProcess } from 'node:child_process';

/** Resolves when `child` has exited, or after `ms`; the timer is cleared on exit, so it never keeps the process alive. */
export function exitedWithin(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
