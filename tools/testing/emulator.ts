import { startEmulator, type EmulatorServer } from '@keyturn/emulator';

/** The Keyturn emulator in this process, shaped like the moto helper so a suite can stop and restart it. */
export interface TestEmulator {
  endpoint: string;
  port: number;
  /** The running server (faults, rotation handlers). */
  server(): EmulatorServer;
  /** Stops listening (clients then get connection errors, as in an outage). */
  stop(): Promise<void>;
  /** Starts again on the same port, empty (nothing is kept on disk). */
  restart(): Promise<void>;
}

/** Starts an in-memory emulator on a free port, without SigV4 (any credentials are accepted). */
export async function startTestEmulator(): Promise<TestEmulator> {
  let server: EmulatorServer | undefined = await startEmulator({ port: 0, logger: false });
  const port = server.port;
  return {
    endpoint: server.endpoint,
    port,
    server: () => {
      if (!server) throw new Error('the emulator is stopped');
      return server;
    },
    stop: async () => {
      const s = server;
      server = undefined;
      await s?.stop();
    },
    restart: async () => {
      server ??= await startEmulator({ port, logger: false });
    },
  };
}
