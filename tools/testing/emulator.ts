import { DeleteSecretCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorOptions, type EmulatorServer } from '@keyturn/emulator';

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
  /** Deletes every secret, also those scheduled for deletion (through the API, without recovery). */
  reset(): Promise<void>;
}

/** Starts an in-memory emulator on a free port, without SigV4 (any credentials are accepted). */
export async function startTestEmulator(options: Omit<EmulatorOptions, 'port' | 'dataDir'> = {}): Promise<TestEmulator> {
  let server: EmulatorServer | undefined = await startEmulator({ logger: false, ...options, port: 0 });
  const { port, endpoint } = server;
  return {
    endpoint,
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
      server ??= await startEmulator({ logger: false, ...options, port });
    },
    reset: async () => {
      const client = new SecretsManagerClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
      try {
        // List every page first: deleting while paging would shift the pages under the token.
        const arns: string[] = [];
        let NextToken: string | undefined;
        do {
          const page = await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, NextToken }));
          arns.push(...(page.SecretList ?? []).map((s) => s.ARN!));
          NextToken = page.NextToken;
        } while (NextToken);
        for (const arn of arns) await client.send(new DeleteSecretCommand({ SecretId: arn, ForceDeleteWithoutRecovery: true }));
      } finally {
        client.destroy();
      }
    },
  };
}
