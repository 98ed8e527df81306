import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PACKAGE_DIR = resolve(__dirname, '..');
export const BIN = join(PACKAGE_DIR, 'bin', 'keyturn-emulator.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const fresh = (): boolean => {
  const built = [join(PACKAGE_DIR, 'dist', 'cjs', 'cli.js'), join(PACKAGE_DIR, 'dist', 'esm', 'index.mjs')];
  const src = newestMtime(join(PACKAGE_DIR, 'src'));
  return built.every((f) => existsSync(f) && statSync(f).mtimeMs >= src);
};

/**
 * The bin runs the compiled CLI: build the package when dist is missing or older than src.
 * Test files run in parallel workers, so the build is guarded by a lock directory.
 */
export function ensureBuilt(): void {
  if (fresh()) return;
  const lock = join(PACKAGE_DIR, '.build-lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}; remove it if no build is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [resolve(PACKAGE_DIR, '../../tools/build-package.mjs')], { cwd: PACKAGE_DIR, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

export interface BinProcess {
  child: ChildProcess;
  endpoint: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts the bin and resolves once it prints its endpoint. */
export function startBin(args: string[]): Promise<BinProcess> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, endpoint: m[1]!, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${code}: ${out}`));
    });
  });
}
