import type { CliIo } from './cli-io.js';

/**
 * Progress of a long command, written to stderr as it happens so stdout keeps only the result.
 * With `--json` each line is one JSON object (`{"progress": <command>, "event": ..., "message": ...}`),
 * so scripts can read stderr line by line; otherwise each line is the message.
 */
export class Progress {
  constructor(
    private readonly io: CliIo,
    private readonly command: string,
    private readonly json: boolean,
  ) {}

  /** Reports one step or state. `data` holds ids and counts only, never values. */
  event(event: string, message: string, data: Record<string, unknown> = {}): void {
    this.io.stderr.write(this.json ? JSON.stringify({ progress: this.command, event, ...data, message }) + '\n' : message + '\n');
  }
}
