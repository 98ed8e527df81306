import { Command, CommanderError } from 'commander';
import { registerDoctor } from './commands/doctor.command.js';
import { registerEmulator } from './commands/emulator.command.js';
import { registerIamPolicy } from './commands/iam-policy.command.js';
import { registerInfra } from './commands/infra.command.js';
import { registerMigrateEnv } from './commands/migrate-env.command.js';
import { registerMigrateTable } from './commands/migrate-table.command.js';
import { registerSecretsGet, registerSecretsGetValue, registerSecretsList } from './commands/secrets-read.commands.js';
import { registerSecretsRotate } from './commands/secrets-rotate.command.js';
import { registerSecretsCreate, registerSecretsDelete, registerSecretsRestore, registerSecretsUpdateValue } from './commands/secrets-write.commands.js';
import { type CliIo, processIo } from './lib/cli-io.js';
import { CommandContext } from './lib/command-context.js';
import { CliError } from './lib/errors/cli-error.js';
import { UsageError } from './lib/errors/usage-error.js';
import { ExitCode } from './lib/exit-codes.js';
import { parseTimeoutSeconds } from './lib/timeouts.js';
import { VERSION } from './version.js';

const EXIT_CODES_HELP = `
Exit codes:
  0 ok   1 check failed / partial failure   2 usage error   3 not found
  4 access denied or credentials rejected   5 conflict (concurrent change, exists,
  rotation in progress, deletion scheduled)   6 timeout   7 endpoint unavailable or throttled

Environment: AWS_REGION, AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
AWS_ENDPOINT_URL_SECRETS_MANAGER (same as --endpoint-url).
`;

/**
 * Builds the `keyturn` command tree bound to one run's context. Output goes to the IO's
 * streams and commander never exits the process (errors surface from `parseAsync`).
 */
export function createProgram(io: CliIo = processIo(), context: CommandContext = new CommandContext(io)): Command {
  const program = new Command('keyturn');
  program
    .description('Operate AWS Secrets Manager secrets: inspect, create, update, rotate, migrate .env files, IAM policies, checks, local emulator.')
    .version(VERSION, '-V, --version')
    .option('--endpoint-url <url>', 'Secrets Manager endpoint (emulator, moto, VPC endpoint)')
    .option('--region <region>', 'AWS region (default: $AWS_REGION)')
    .option('--profile <name>', 'named profile from the shared AWS config/credentials files')
    .option('--json', 'print one JSON document for scripts instead of tables')
    .option('--cli-connect-timeout <seconds>', 'seconds to wait for a connection to the endpoint; 0 = no limit (default: 60)', parseTimeoutSeconds('--cli-connect-timeout'))
    .option('--cli-read-timeout <seconds>', 'seconds to wait for the endpoint to answer; 0 = no limit (default: 60)', parseTimeoutSeconds('--cli-read-timeout'))
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void io.stdout.write(s),
      writeErr: (s) => void io.stderr.write(s),
    })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP);

  const secrets = program
    .command('secrets')
    .description('Inspect and change secrets (values are masked unless --reveal)')
    .addHelpText('after', '\nExamples:\n  $ keyturn secrets list --prefix app/\n  $ keyturn secrets get-value app/prod/db password --reveal\n');
  registerSecretsList(secrets, context);
  registerSecretsGet(secrets, context);
  registerSecretsGetValue(secrets, context);
  registerSecretsCreate(secrets, context);
  registerSecretsUpdateValue(secrets, context);
  registerSecretsRotate(secrets, context);
  registerSecretsDelete(secrets, context);
  registerSecretsRestore(secrets, context);
  registerMigrateEnv(program, context);
  registerMigrateTable(program, context);
  registerIamPolicy(program, context);
  registerInfra(program, context);
  registerDoctor(program, context);
  registerEmulator(program, context);
  registerHelp(program);
  return program;
}

/**
 * `keyturn help [command...]`: commander's own help command only looks at the first name, so
 * `keyturn help secrets list` would show the help of `secrets`; this one walks the whole path.
 */
function registerHelp(program: Command): void {
  program.helpCommand(false);
  program
    .command('help')
    .description('show the help of a command, e.g. keyturn help secrets list')
    .argument('[command...]', 'command path')
    .action((path: string[]) => {
      let target = program;
      for (const [i, name] of path.entries()) {
        const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
        if (!next) {
          const parent = ['keyturn', ...path.slice(0, i)].join(' ');
          throw new UsageError(`unknown command "${path.slice(0, i + 1).join(' ')}". Commands of ${parent}: ${target.commands.map((c) => c.name()).join(', ')} (\`${['keyturn help', ...path.slice(0, i)].join(' ')}\`).`);
        }
        target = next;
      }
      target.help();
    });
}

/**
 * Runs `keyturn` with `argv` (arguments after the program name) and returns the exit code.
 * Never calls `process.exit`.
 *
 * @example const code = await run(['secrets', 'list', '--json'], { stdout, stderr });
 */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const context = new CommandContext(io);
  const program = createProgram(io, context);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode ?? ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version print and end with 0; every other commander error is a usage error
      // whose message commander has already written to stderr.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    }
    const json = Boolean(program.opts().json);
    const e = err instanceof CliError ? err : new CliError(`Unexpected error: ${err instanceof Error ? err.message : String(err)}`, ExitCode.Failed, { cause: err });
    if (json) io.stderr.write(JSON.stringify({ error: { code: e.code ?? e.name, message: e.message, exitCode: e.exitCode } }) + '\n');
    else io.stderr.write(`keyturn: ${e.message}\n`);
    return e.exitCode;
  } finally {
    context.destroy();
  }
}
