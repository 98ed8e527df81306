import { parseArgs } from 'node:util';
import { startEmulator } from './lib/emulator.js';
import { DEFAULT_CLI_PORT, type EmulatorOptions } from './lib/emulator.options.js';

const USAGE = `Usage: keyturn-emulator [options]

A local AWS Secrets Manager-compatible endpoint.

  --host <addr>         address to bind (default 127.0.0.1)
  --port <n>            port (default 4583; 0 picks a free one)
  --data <dir>          keep state in this directory (crash-safe journal); default: in memory
  --seed <file>         JSON or YAML file of secrets to create when missing
  --region <region>     region in ARNs and SigV4 scope (default us-east-1)
  --account <id>        account id in ARNs (default 123456789012)
  --access-key <id:secret>  accept SigV4 signatures of this key (repeatable); without, no check
  --rotation-handler <lambdaArn=module#export>  rotation function for a Lambda ARN (repeatable)
  --rotation-time-scale <n>  run scheduled rotations with the clock sped up n times
  --compact-every <n>   journal entries between snapshots (default 1000)
  --quiet               no request log
  -h, --help            this text
`;

/** Runs the emulator in the foreground until SIGINT/SIGTERM. */
export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      seed: { type: 'string' },
      region: { type: 'string' },
      account: { type: 'string' },
      'access-key': { type: 'string', multiple: true },
      'rotation-handler': { type: 'string', multiple: true },
      'rotation-time-scale': { type: 'string' },
      'compact-every': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? DEFAULT_CLI_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not '${values.port}'`);
  const options: EmulatorOptions = {
    host: values.host ?? '127.0.0.1',
    port,
    dataDir: values.data,
    seed: values.seed,
    region: values.region,
    accountId: values.account,
    logger: values.quiet ? false : { log: (msg) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`) },
  };
  if (values['compact-every'] !== undefined) {
    const n = Number(values['compact-every']);
    if (!Number.isInteger(n) || n < 1) throw new Error('--compact-every must be a positive integer');
    options.compactEvery = n;
  }
  if (values['access-key']) {
    options.credentials = values['access-key'].map((pair) => {
      const i = pair.indexOf(':');
      if (i <= 0) throw new Error('--access-key takes <accessKeyId>:<secretAccessKey>');
      return { accessKeyId: pair.slice(0, i), secretAccessKey: pair.slice(i + 1) };
    });
  }
  if (values['rotation-handler']) {
    options.rotationHandlers = {};
    for (const entry of values['rotation-handler']) {
      const i = entry.indexOf('=');
      if (i <= 0) throw new Error('--rotation-handler takes <lambdaArn>=<module path>[#export]');
      options.rotationHandlers[entry.slice(0, i)] = entry.slice(i + 1);
    }
  }
  if (values['rotation-time-scale'] !== undefined) {
    const scale = Number(values['rotation-time-scale']);
    if (!(scale > 0)) throw new Error('--rotation-time-scale must be a positive number');
    options.rotationTimeScale = scale;
  }
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
