import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';

/** A place the command writes to (stdout or stderr). */
export interface CliOutput {
  write(chunk: string): unknown;
  /** True when a terminal is attached (progress bars and prompts only then). */
  readonly isTTY?: boolean;
  /** Terminal width, for progress bars. */
  readonly columns?: number;
}

/**
 * Everything the command touches outside its arguments, so that it can run in-process
 * (tests, scripts) with captured output.
 */
export interface CliIo {
  stdout: CliOutput;
  stderr: CliOutput;
  /** Where confirmations are read from. Without it (or without a TTY) `--yes` is required. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Environment variables consulted by the command (not by the AWS SDK credential chain). @default process.env */
  env?: Record<string, string | undefined>;
  /** Working directory for relative paths. @default process.cwd() */
  cwd?: string;
  /**
   * Extra Secrets Manager client settings merged over the ones derived from the flags
   * (tests use it for static credentials and `maxAttempts: 1`).
   */
  clientConfig?: Partial<SecretsManagerClientConfig>;
  /** Called with every client the command creates (tests add middleware through it). */
  onClient?: (client: SecretsManagerClient) => void;
  /**
   * Resolves when a long-running command (`keyturn emulator`) should stop.
   * @default the first SIGINT or SIGTERM
   */
  untilShutdown?: () => Promise<string>;
}

/** The real process streams and signals. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    untilShutdown: () =>
      new Promise<string>((resolve) => {
        const onSignal = (signal: string) => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          resolve(signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
      }),
  };
}
