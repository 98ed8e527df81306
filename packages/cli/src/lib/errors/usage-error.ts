import { ExitCode } from '../exit-codes.js';
import { CliError } from './cli-error.js';

/** Wrong flags, arguments or input files (exit code 2). */
export class UsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, { ...options, code: 'UsageError' });
  }
}
