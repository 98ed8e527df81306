// Entry point of the `keyturn` executable (bin/keyturn.js loads the CommonJS build of this file).
import { processIo } from './lib/cli-io.js';
import { run } from './program.js';

// The AWS SDK prints a notice on Node.js < 22 that its releases after January 2027 need Node.js 22
// (NodeVersionSupportWarning). It is about the SDK's support schedule, not about this command, and
// it would end every command's output. AWS documents this variable to turn it off
// (https://github.com/aws/aws-sdk-js-v3/issues/7983); an explicit value set by the user is kept.
// Only this notice is affected: other process warnings still print.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

void run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`keyturn: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
