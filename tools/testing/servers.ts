import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { exitedWithin } from './child-process';

/**
 * Every server a test starts (PostgreSQL, Redis, moto, ...) goes through `spawnServer`, so that none
 * outlives its test run:
 * - the suite's own `afterAll` stops it, and the e2e test environment (`e2e-environment.ts`) stops
 *   whatever the file left running (a `beforeAll` that failed halfway, an `afterAll` that threw first);
 * - on Linux it is started through `setpriv --pdeathsig`, so the kernel signals it when the Jest
 *   worker that started it dies, also by SIGKILL or when Jest itself is interrupted;
 * - it is written to a run registry (one file per server in `$TMPDIR/keyturn-test-servers`), which the
 *   next run sweeps: a server whose owner process is gone is killed, after checking that the pid
 *   still runs the recorded program.
 */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  /** The last 4 KB of the server's stderr, for error messages. */
  stderr(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** Sends the stop signal, waits up to the grace period, then SIGKILL; idempotent. */
  stop(): Promise<void>;
}

export interface SpawnServerOptions {
  /** Signal for a clean, fast shutdown (PostgreSQL: SIGINT; Redis and moto: SIGTERM). */
  stopSignal: NodeJS.Signals;
  /** How long `stop()` waits after `stopSignal` before SIGKILL. @default 10_000 */
  graceMs?: number;
  /** Runs after the process has exited (remove its data directory). */
  cleanup?: () => void;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
}

const REGISTRY = join(tmpdir(), 'keyturn-test-servers');
const SETPRIV = '/usr/bin/setpriv';
/** On the test file's global, where the e2e test environment finds what a file left running. */
const running: Set<ServerProcess> = ((globalThis as { __keyturnTestServers?: Set<ServerProcess> }).__keyturnTestServers ??= new Set());

interface RegistryEntry {
  pid: number;
  owner: number;
  program: string;
  name: string;
}

export function spawnServer(name: string, program: string, args: string[], options: SpawnServerOptions): ServerProcess {
  const spawnOptions: SpawnOptions = { stdio: ['ignore', 'ignore', 'pipe'], env: options.env, uid: options.uid, gid: options.gid };
  // setpriv execs the program in the same process, so the pid, the command line and the signals are the server's own.
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', options.stopSignal, '--', program, ...args], spawnOptions)
    : spawn(program, args, spawnOptions);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  child.on('error', (e) => (stderr += `${e.message}\n`));
  const entry = child.pid === undefined ? undefined : register({ pid: child.pid, owner: process.pid, program: basename(program), name });
  let stopping: Promise<void> | undefined;
  const server: ServerProcess = {
    child,
    name,
    stderr: () => stderr,
    exited: () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined,
    stop: () => (stopping ??= (async () => {
      if (!server.exited()) {
        const exited = exitedWithin(child, options.graceMs ?? 10_000);
        child.kill(options.stopSignal);
        await exited;
        if (!server.exited()) {
          child.kill('SIGKILL');
          await exitedWithin(child, 2_000);
        }
      }
      child.stderr?.destroy();
      if (entry) rmSync(entry, { force: true });
      running.delete(server);
      options.cleanup?.();
    })()),
  };
  running.add(server);
  child.once('exit', () => {
    if (entry) rmSync(entry, { force: true });
  });
  return server;
}

function register(entry: RegistryEntry): string {
  mkdirSync(REGISTRY, { recursive: true });
  const file = join(REGISTRY, `${entry.pid}.json`);
  writeFileSync(file, JSON.stringify(entry));
  return file;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const commandLine = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
};

/**
 * Kills the servers of earlier runs whose owner process is gone (a Jest worker killed by SIGKILL on a
 * system without `setpriv`). A pid is signalled only if its command line still names the recorded
 * program, so a recycled pid is left alone. Returns what it killed.
 */
export function sweepOrphanServers(): string[] {
  if (!existsSync(REGISTRY)) return [];
  const killed: string[] = [];
  for (const file of readdirSync(REGISTRY)) {
    const path = join(REGISTRY, file);
    let entry: RegistryEntry;
    try {
      entry = JSON.parse(readFileSync(path, 'utf8')) as RegistryEntry;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (alive(entry.owner)) continue; // a run in progress
    const cmd = commandLine(entry.pid);
    if (alive(entry.pid) && cmd !== undefined && cmd.includes(entry.program)) {
      try {
        process.kill(entry.pid, 'SIGKILL');
        killed.push(`${entry.name} (pid ${entry.pid})`);
      } catch {
        // already gone
      }
    }
    rmSync(path, { force: true });
  }
  return killed;
}
