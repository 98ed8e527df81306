import { createServer } from 'node:net';
import { LaunchError } from './launch-error.js';

/** Throws a {@link LaunchError} naming `envVar` when `port` is already taken on `host`. */
export async function assertPortFree(host: string, port: number, what: string, envVar: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new LaunchError(`${what}: port ${port} on ${host} is already in use. Stop whatever listens there or set ${envVar} to another port.`)
          : new LaunchError(`${what}: cannot listen on ${host}:${port} (${err.code ?? err.message}). Set ${envVar} to another port.`),
      );
    });
    srv.listen(port, host, () => srv.close(() => resolve()));
  });
}
