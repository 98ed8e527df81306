// Entry point of the `keyturn` executable (bin/keyturn.js loads the CommonJS build of this file).
import { processIo } from './lib/cli-io.js';
import { run } from './program.js';

void run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`keyturn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
