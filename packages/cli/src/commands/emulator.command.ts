import { resolve } from 'node:path';
import type { EmulatorOptions } from '@keyturn/emulator';
import { InvalidArgumentError, type Command } from 'commander';
import type { CommandContext } from '../lib/command-context.js';
import { CliError } from '../lib/errors/cli-error.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { println } from '../lib/output.js';

interface EmulatorCommandOptions {
  port?: number;
  host: string;
  data?: string;
  seed?: string;
  accountId: string;
  credentials?: string[];
  rotationHandler?: string[];
  log?: boolean;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0 picks a free one)');
  return n;
}

/** `keyturn emulator` */
export function registerEmulator(program: Command, ctx: CommandContext): void {
  program
    .command('emulator')
    .description('Run the local Secrets Manager-compatible emulator until Ctrl-C (SIGINT) or SIGTERM')
    .option('--port <port>', 'port to listen on (default 4583; 0 picks a free one)', port)
    .option('--host <host>', 'address to bind (keep loopback unless you need otherwise)', '127.0.0.1')
    .option('--data <dir>', 'keep secrets in this directory (crash-safe journal); default: in memory')
    .option('--seed <file>', 'JSON or YAML file of secrets to create when missing')
    .option('--account-id <id>', 'account id in ARNs', '123456789012')
    .option('--credentials <accessKeyId:secretAccessKey...>', 'verify SigV4 signatures and accept only these keys')
    .option('--rotation-handler <lambdaArn=module[#export]...>', 'rotation function module for a RotationLambdaARN')
    .option('--log', 'log one line per request (never values) to stderr')
    .addHelpText(
      'after',
      `
The region is the global --region (default us-east-1). Point SDKs and the CLI at it with
AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:4583 or --endpoint-url.

Examples:
  $ keyturn emulator --data .keyturn/emulator --seed secrets.seed.json
  $ keyturn emulator --port 0 --json            # prints {"endpoint": ...} on one line
  $ keyturn emulator --credentials local:local-secret --rotation-handler arn:aws:lambda:us-east-1:123456789012:function:rotate=./rotate.js#handler
`,
    )
    .action(async (opts: EmulatorCommandOptions, cmd: Command) => {
      const g = ctx.globals(cmd);
      const credentials = (opts.credentials ?? []).map((c) => {
        const i = c.indexOf(':');
        if (i <= 0 || i === c.length - 1) throw new UsageError(`--credentials expects accessKeyId:secretAccessKey, got an entry without ":"`);
        return { accessKeyId: c.slice(0, i), secretAccessKey: c.slice(i + 1) };
      });
      const rotationHandlers: Record<string, string> = {};
      for (const h of opts.rotationHandler ?? []) {
        const i = h.indexOf('=');
        if (i <= 0) throw new UsageError(`--rotation-handler expects <lambdaArn>=<module>[#export], got "${h}"`);
        const mod = h.slice(i + 1);
        rotationHandlers[h.slice(0, i)] = mod.startsWith('.') ? resolve(ctx.cwd(), mod) : mod;
      }
      // Loaded on demand: the other commands do not need the emulator.
      const emulator = await import('@keyturn/emulator');
      const listenPort = opts.port ?? emulator.DEFAULT_CLI_PORT;
      const options: EmulatorOptions = {
        host: opts.host,
        port: listenPort,
        dataDir: opts.data ? resolve(ctx.cwd(), opts.data) : undefined,
        seed: opts.seed ? resolve(ctx.cwd(), opts.seed) : undefined,
        region: g.region ?? 'us-east-1',
        accountId: opts.accountId,
        credentials: credentials.length ? credentials : undefined,
        rotationHandlers,
        logger: opts.log ? { log: (m: string) => void ctx.io.stderr.write(m + '\n') } : false,
      };
      let server;
      try {
        server = await emulator.startEmulator(options);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError(`Port ${listenPort} on ${opts.host} is in use: pick another with --port (0 = any free port).`, ExitCode.Unavailable, { cause: e, code });
        // A JSON parse error from the seed file may quote part of it (seed values): never echo it.
        const message = e instanceof SyntaxError || /JSON|Unexpected token|YAML/i.test(String((e as Error).message)) ? `the seed file ${opts.seed ?? ''} could not be parsed` : (e as Error).message;
        throw new CliError(`The emulator could not start: ${message}`, opts.seed ? ExitCode.Usage : ExitCode.Failed, { cause: e });
      }
      const info = {
        endpoint: server.endpoint,
        port: server.port,
        region: server.region,
        dataDir: options.dataDir ?? null,
        sigv4: credentials.length > 0,
        seeded: server.seeded,
      };
      if (g.json) ctx.io.stdout.write(JSON.stringify(info) + '\n');
      else {
        println(ctx.io, `Keyturn emulator listening on ${server.endpoint} (region ${server.region}, ${options.dataDir ? `data in ${options.dataDir}` : 'in memory'}${credentials.length ? ', SigV4 verified' : ''})`);
        if (server.seeded.created.length) println(ctx.io, `Seeded: ${server.seeded.created.join(', ')}`);
        println(ctx.io, `  export AWS_ENDPOINT_URL_SECRETS_MANAGER=${server.endpoint} AWS_REGION=${server.region}`);
        println(ctx.io, 'Press Ctrl-C to stop.');
      }
      const signal = await (ctx.io.untilShutdown ?? (() => new Promise<string>(() => undefined)))();
      await server.stop();
      if (!g.json) println(ctx.io, `Stopped (${signal}).`);
    });
}
