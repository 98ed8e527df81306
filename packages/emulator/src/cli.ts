import { emulatorOptionsFromFlags, emulatorUsage, parseEmulatorArgs } from './lib/cli/emulator-cli.options.js';
import { startEmulator } from './lib/emulator.js';
import type { EmulatorOptions } from './lib/emulator.options.js';
import { VERSION } from './version.js';

/** Runs the emulator in the foreground until SIGINT/SIGTERM. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const values = parseEmulatorArgs(argv);
  if (values.help) {
    process.stdout.write(emulatorUsage('keyturn-emulator'));
    return;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return;
  }
  const options: EmulatorOptions = {
    ...emulatorOptionsFromFlags(values),
    logger: values.quiet ? false : { log: (msg) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`) },
  };
  const emulator = await startEmulator(options);
  process.stdout.write(
    `keyturn-emulator listening on ${emulator.endpoint} (region ${emulator.region}, ${options.dataDir ? `data in ${options.dataDir}` : 'in memory'}` +
      `${options.credentials ? ', SigV4 verified' : ''})\n`,
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: stopping\n`);
    emulator.stop().then(
      () => process.exit(0),
      (e: Error) => {
        process.stderr.write(`stop failed: ${e.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
