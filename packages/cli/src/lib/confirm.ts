import { createInterface } from 'node:readline/promises';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors/usage-error.js';

/**
 * Asks the operator to confirm a change. `--yes` skips the question; without a terminal the
 * command refuses rather than guessing.
 */
export async function confirm(io: CliIo, question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  const stdin = io.stdin;
  if (!stdin || !stdin.isTTY) {
    throw new UsageError(`${question} Refusing without a terminal to confirm: pass --yes.`);
  }
  const rl = createInterface({ input: stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await rl.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Reads all of stdin (for values that must not appear on the command line). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
