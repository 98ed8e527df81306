import { EMULATOR_CLI_FLAGS, emulatorOptionsFromFlags, type EmulatorCliValues, type EmulatorOptions } from '@keyturn/emulator';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../lib/command-context.js';
import { CliError } from '../lib/errors/cli-error.js';
import { UsageError } from '../lib/errors/usage-error.js';
import { ExitCode } from '../lib/exit-codes.js';
import { println } from '../lib/output.js';

const str = (v: EmulatorCliValues[string]): string | undefined => (typeof v === 'string' ? v : undefined);

/** Flags the `keyturn` program itself defines: taken from the global options. */
const GLOBAL = new Set(['region', 'help', 'version']);

/** `keyturn emulator`: the flags, their checks and their conversion are the `keyturn-emulator` bin's. */
export function registerEmulator(program: Command, ctx: CommandContext): void {
  const cmd = program.command('emulator').description('Run the local Secrets Manager-compatible emulator until Ctrl-C (SIGINT) or SIGTERM');
  for (const f of EMULATOR_CLI_FLAGS) {
    if (GLOBAL.has(f.name)) continue;
    const flags = `--${f.name}${f.value ? ` ${f.value.replace(/^<(.*)>$/, f.multiple ? '<$1...>' : '<$1>')}` : ''}`;
    cmd.addOption(new Option(flags, f.description));
  }
  cmd
    .addHelpText(
      'after',
      `
The same flags as the keyturn-emulator command; the region is the global --region (default
us-east-1). One line per request (never values) goes to stderr unless --quiet. Point SDKs and
the CLI at it with AWS_ENDPOINT_URL_SECRETS_MANAGER=http://127.0.0.1:4583 or --endpoint-url.

Examples:
  $ keyturn emulator --data .keyturn/emulator --seed secrets.seed.json
  $ keyturn emulator --port 0 --json            # prints {"endpoint": ...} on one line
  $ keyturn emulator --credentials local:local-secret --rotation-handler arn:aws:lambda:us-east-1:123456789012:function:rotate=./rotate.js#handler
`,
    )
    .action(async (opts: EmulatorCliValues, command: Command) => {
      const g = ctx.globals(command);
      const values: EmulatorCliValues = {};
      // commander camel-cases long names; the shared conversion takes the flag names.
      for (const f of EMULATOR_CLI_FLAGS) values[f.name] = opts[f.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())];
      values.region = g.region ?? 'us-east-1';
      let parsed: EmulatorOptions;
      try {
        parsed = emulatorOptionsFromFlags(values, ctx.cwd());
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      const emulator = await import('@keyturn/emulator');
      const options: EmulatorOptions = {
        ...parsed,
        logger: values.quiet ? false : { log: (m: string) => void ctx.io.stderr.write(m + '\n') },
      };
      const listenPort = options.port!;
      const credentials = options.credentials ?? [];
      const opts2 = { host: options.host!, seed: str(values.seed) };
      let server;
      try {
        server = await emulator.startEmulator(options);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError(`Port ${listenPort} on ${opts2.host} is in use: pick another with --port (0 = any free port).`, ExitCode.Unavailable, { cause: e, code });
        // A JSON parse error from the seed file may quote part of it (seed values): never echo it.
        const message = e instanceof SyntaxError || /JSON|Unexpected token|YAML/i.test(String((e as Error).message)) ? `the seed file ${opts2.seed ?? ''} could not be parsed` : (e as Error).message;
        throw new CliError(`The emulator could not start: ${message}`, opts2.seed ? ExitCode.Usage : ExitCode.Failed, { cause: e });
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
