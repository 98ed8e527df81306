import type { ChildProcess } from 'node:child_process';
import { LaunchError } from './launch-error.js';

/** What {@link waitUntilReady} says when the server does not come up. */
export interface ReadinessWait {
  /** The server's name in messages, e.g. `'PostgreSQL'`. */
  readonly name: string;
  readonly port: number;
  /** What the server failed to do in time, e.g. `'did not answer'`. */
  readonly notReady: string;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** The tail of the server's stderr, for the error message. */
  readonly stderr: () => string;
}

/** Polls `ready` until it says yes; fails with a {@link LaunchError} (and the server's log) if `child` exits or time runs out. */
export async function waitUntilReady(child: ChildProcess | undefined, ready: () => Promise<boolean>, wait: ReadinessWait): Promise<void> {
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    if (child?.exitCode !== null && child?.exitCode !== undefined) throw new LaunchError(`${wait.name} exited during start-up:\n${wait.stderr().trim()}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new LaunchError(`${wait.name} ${wait.notReady} on port ${wait.port} within ${wait.timeoutMs / 1000} s:\n${wait.stderr().trim()}`);
    }
    await new Promise((r) => setTimeout(r, wait.intervalMs));
  }
}

/** Sends `signal`, waits up to `graceMs` for a clean exit, then kills; the timer is cleared so it never keeps the process alive. */
export async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  if (child.exitCode === null) child.kill('SIGKILL');
}
