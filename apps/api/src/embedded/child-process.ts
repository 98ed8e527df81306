import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LaunchError } from './launch-error.js';

const SETPRIV = '/usr/bin/setpriv';

/** The program's path: as given when it names a path, else the first match on PATH; undefined when there is none. */
function resolveProgram(program: string, path = process.env.PATH ?? ''): string | undefined {
  if (program.includes('/')) return executable(program) ? program : undefined;
  return path.split(delimiter).map((dir) => join(dir, program)).find(executable);
}

/**
 * Spawns a server that must not outlive this process. On Linux it goes through
 * `setpriv --pdeathsig <signal>` (util-linux), which execs the server in the same process after
 * asking the kernel to send it `signal` when its parent dies, also when the parent is killed
 * with SIGKILL. Elsewhere the server is spawned directly (Ctrl+C and `stop()` still reach it).
 * A missing program fails like `spawn` does, with an `ENOENT` error event.
 */
export function spawnTied(program: string, args: readonly string[], options: SpawnOptions, deathSignal: NodeJS.Signals): ChildProcess {
  const resolved = resolveProgram(program, (options.env ?? process.env).PATH);
  if (resolved !== undefined && executable(SETPRIV)) return spawn(SETPRIV, ['--pdeathsig', deathSignal, '--', resolved, ...args], options);
  return spawn(program, args, options);
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

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
