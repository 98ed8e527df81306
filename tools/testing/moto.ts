import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);

/** Where `start.sh`/`stop.sh` live: `$KEYTURN_MOTO_DIR`, else `../shared/tools/moto` beside the repository. */
export function motoDir(): string {
  const dir = process.env.KEYTURN_MOTO_DIR ?? resolve(__dirname, '../../../shared/tools/moto');
  if (!existsSync(resolve(dir, 'start.sh'))) {
    throw new Error(`moto scripts not found in ${dir}; set KEYTURN_MOTO_DIR to the folder holding start.sh`);
  }
  return dir;
}

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Wipes every secret (all regions). */
  reset(): Promise<void>;
  /** Stops the server (a later `restart()` brings up an empty one on the same port). */
  stop(): Promise<void>;
  /** Starts it again on the same port (state is empty: moto keeps nothing). */
  restart(): Promise<void>;
}

/** Starts a private moto Secrets Manager server on a free port (about 2 s). */
export async function startMoto(): Promise<MotoServer> {
  const dir = motoDir();
  const port = await freePort();
  const env = { ...process.env, MOTO_PORT: String(port) };
  const start = async () => {
    await run('bash', [resolve(dir, 'start.sh')], { env, timeout: 60_000 });
  };
  const stop = async () => {
    await run('bash', [resolve(dir, 'stop.sh')], { env, timeout: 30_000 });
  };
  await start();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    port,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop,
    restart: start,
  };
}

/** Static credentials and region that moto (and the emulator without SigV4) accept. */
export const testClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});
