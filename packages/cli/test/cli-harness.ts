import { PassThrough } from 'node:stream';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { run, type CliIo } from '../src/index.js';

/** Captures what a command writes. */
export class CapturedOutput {
  readonly isTTY = false;
  private readonly chunks: string[] = [];
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  text(): string {
    return this.chunks.join('');
  }
}

/** A stderr that claims to be a terminal (for the progress bar). */
export class FakeTerminal extends CapturedOutput {
  override readonly isTTY = true as unknown as false;
  readonly columns = 100;
  cursorTo(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearScreenDown(): boolean {
    return true;
  }
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (throws with the output when it is not JSON). */
  json<T = any>(): T;
}

export interface HarnessOptions {
  /** Passed as --endpoint-url; `undefined` leaves the endpoint to the profile / the SDK. */
  endpoint: string | undefined;
  /** Passed as --region. `null` leaves the region to the profile / the SDK. @default us-east-1 */
  region?: string | null;
  cwd?: string;
  /** Static credentials; `null` leaves credentials to --profile / the SDK chain. @default test/test */
  credentials?: { accessKeyId: string; secretAccessKey: string } | null;
  stdin?: string;
  onClient?: (client: SecretsManagerClient) => void;
  /** Every run's output is appended here (for the no-value-leak canary). */
  transcript?: string[];
  /** Make stderr look like a terminal. */
  ttyStderr?: boolean;
}

/** Runs `keyturn` in-process against an endpoint with static test credentials. */
export function cli(opts: HarnessOptions) {
  return async (...argv: string[]): Promise<CliResult> => {
    const stdout = new CapturedOutput();
    const stderr = opts.ttyStderr ? new FakeTerminal() : new CapturedOutput();
    let stdin: CliIo['stdin'];
    if (opts.stdin !== undefined) {
      const s = new PassThrough();
      s.end(opts.stdin);
      stdin = s;
    }
    const io: CliIo = {
      stdout,
      stderr,
      stdin,
      cwd: opts.cwd,
      env: {},
      clientConfig: opts.credentials === null ? { maxAttempts: 1 } : { credentials: opts.credentials ?? { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 },
      onClient: opts.onClient,
    };
    const globals = [...(opts.endpoint === undefined ? [] : ['--endpoint-url', opts.endpoint]), ...(opts.region === null ? [] : ['--region', opts.region ?? 'us-east-1'])];
    const code = await run([...globals, ...argv], io);
    opts.transcript?.push(stdout.text(), stderr.text());
    return {
      code,
      stdout: stdout.text(),
      stderr: stderr.text(),
      json: () => {
        try {
          return JSON.parse(stdout.text());
        } catch {
          throw new Error(`stdout is not JSON (exit ${code}):\n${stdout.text()}\nstderr:\n${stderr.text()}`);
        }
      },
    };
  };
}
