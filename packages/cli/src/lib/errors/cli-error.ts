import { ExitCode } from '../exit-codes.js';

/**
 * An error the command reports to the operator: a message that says what to do and the
 * process exit code. Never carries a secret value.
 */
export class CliError extends Error {
  override name = this.constructor.name;
  /** A short machine-readable code (AWS error name or a keyturn code), for `--json` output. */
  readonly code?: string;

  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.Failed,
    options?: { cause?: unknown; code?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = options?.code;
  }
}
