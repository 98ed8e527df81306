import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Command } from 'commander';
import { createSecretsClient } from './aws-client.js';
import { toCliError, type AwsCallContext } from './aws-errors.js';
import type { CliIo } from './cli-io.js';
import type { ExitCode } from './exit-codes.js';
import type { GlobalOptions } from './global-options.js';

/**
 * Per-run state shared by the commands: the IO, the SDK clients it created (destroyed when
 * the run ends) and the exit code a command asks for without throwing.
 */
export class CommandContext {
  private readonly clients: SecretsManagerClient[] = [];
  /** The endpoint of the last client created (from --endpoint-url or the profile), for messages. */
  private endpoint: string | undefined;
  /** Exit code requested by a command that finished but found problems. */
  exitCode: ExitCode | undefined;

  constructor(readonly io: CliIo) {}

  /** Global options (`--region`, `--json`, ...) as seen from a command. */
  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  /** A Secrets Manager client for this run, configured from the global flags and the profile. */
  async client(cmd: Command): Promise<SecretsManagerClient> {
    const { client, endpoint } = await createSecretsClient(this.globals(cmd), this.io);
    this.clients.push(client);
    this.endpoint = endpoint;
    return client;
  }

  /** Runs one AWS call and converts its failure into an actionable CLI error. */
  async call<T>(ctx: AwsCallContext, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw toCliError(err, { ...ctx, endpoint: ctx.endpoint ?? this.endpoint });
    }
  }

  /** Path relative to the IO's working directory. */
  cwd(): string {
    return this.io.cwd ?? process.cwd();
  }

  destroy(): void {
    for (const c of this.clients.splice(0)) c.destroy();
  }
}
