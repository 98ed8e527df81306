import 'reflect-metadata';
import { LaunchError } from './embedded/launch-error.js';
import { launchApi } from './launcher.js';

/** `npm start`: the API on the embedded default, or against real services (see README). */
async function main(): Promise<void> {
  const running = await launchApi();
  const lines = [
    '',
    `Keyturn sample API (${running.options.app}/${running.options.env}) is listening on ${running.url}`,
    `  health  ${running.url}/health/live  ${running.url}/health/ready`,
    `  metrics ${running.url}/metrics`,
    `  status  ${running.url}/status`,
    `  token   POST ${running.url}/auth/token {"username":"demo","password":"<DEMO_USER_PASSWORD, default demo-password>"}`,
    running.stack
      ? 'Embedded default (set KEYTURN_EMBEDDED=0 to use your own Secrets Manager, database and Redis):'
      : `Secrets Manager: ${running.options.secretsEndpoint ?? `AWS (${running.options.region})`}`,
    ...(running.stack?.started ?? []).map((s) => `  ${s.name.padEnd(40)} ${s.where}`),
    'Press Ctrl+C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping...`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as Error;
  if (e instanceof LaunchError) console.error(`\nCannot start: ${e.message}\n`);
  else console.error(`\nCannot start: ${e?.name ?? 'Error'}: ${e?.message ?? String(err)}\n`);
  process.exit(1);
});
