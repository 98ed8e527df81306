import { freePort, waitFor } from './ports';
import { spawnServer, type ServerProcess } from './servers';

/**
 * moto's Secrets Manager server, the independent reference the conformance suite compares the
 * emulator with. `moto_server` comes from the PATH (`pip install 'moto[server]>=5.2,<5.3'`), or from
 * `$MOTO_SERVER_BIN`. It is plain moto: where moto 5.2 differs from AWS, the tests say so
 * (`packages/emulator/test/conformance.e2e-spec.ts` lists the differences).
 */
export const motoServerBin = (): string => process.env.MOTO_SERVER_BIN ?? 'moto_server';

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

/** Static credentials and region that moto (and the emulator without SigV4) accept. */
export const testClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
});

/** moto picks the service from the SigV4 credential scope, so even a probe must name secretsmanager. */
const listSecrets = (endpoint: string) =>
  fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.ListSecrets',
      authorization: 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: '{}',
  });

/** Starts a private moto server on a free port and waits until its Secrets Manager answers (about 2 s). */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let server: ServerProcess | undefined;
  const start = async () => {
    // A clean environment: a caller's AWS credentials, profile or PYTHONPATH must not reach moto.
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8', TMPDIR: process.env.TMPDIR };
    const s = spawnServer(`moto on port ${port}`, motoServerBin(), ['-H', '127.0.0.1', '-p', String(port)], { stopSignal: 'SIGTERM', graceMs: 5_000, env });
    server = s;
    try {
      await waitFor(async () => {
        if (s.exited()) throw new Error(`moto_server exited: ${s.stderr() || `is moto installed? pip install 'moto[server]>=5.2,<5.3'`}`);
        return (await listSecrets(endpoint)).ok;
      }, `moto on port ${port}`, 60_000, 100);
    } catch (e) {
      await s.stop();
      throw e;
    }
  };
  await start();
  return {
    endpoint,
    port,
    reset: async () => {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    stop: async () => server?.stop(),
    restart: start,
  };
}
