import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgres, type PostgresServer } from '@keyturn/testing';
import { cli } from './cli-harness';

// Every command that talks to Secrets Manager, against an endpoint that accepts the TCP
// connection and never answers: each one must end with a clear timeout error and exit 7.
let silent: Server;
const sockets = new Set<Socket>();
let endpoint: string;
let dir: string;
let pg: PostgresServer | undefined;
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // Read and discard the request; never write a byte back.
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-timeouts-'));
  writeFileSync(join(dir, '.env'), 'DATABASE_PASSWORD=pw-canary-1\nSTRIPE_SECRET_KEY=sk_canary\n');
  k = cli({ endpoint, cwd: dir, stdin: 'new-value\n' });
  pg = await startPostgres();
  await pg.sql(`CREATE TABLE clients (slug text, db_password text); INSERT INTO clients VALUES ('a', 'pw-canary-a')`);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const READ = ['--cli-read-timeout', '1'];
const commands: [string, string[]][] = [
  ['secrets list', ['secrets', 'list']],
  ['secrets get', ['secrets', 'get', 'app/x']],
  ['secrets get-value', ['secrets', 'get-value', 'app/x']],
  ['secrets create', ['secrets', 'create', 'app/x', '--generate', 'token=hex:32']],
  ['secrets update-value', ['secrets', 'update-value', 'app/x', 'password', '--stdin']],
  ['secrets rotate', ['secrets', 'rotate', 'app/x']],
  ['secrets delete', ['secrets', 'delete', 'app/x']],
  ['secrets restore', ['secrets', 'restore', 'app/x']],
  ['migrate-env', ['migrate-env', '.env', '--prefix', 'app/prod', '--yes']],
];

describe('against an endpoint that accepts connections and never answers', () => {
  it.each(commands)('%s ends with a read timeout error and exit 7', async (_name, argv) => {
    const r = await k(...READ, ...argv);
    expect(r.stderr).toMatch(/No response from Secrets Manager at http:\/\/127\.0\.0\.1:\d+ within 1 s \(--cli-read-timeout\)/);
    expect(r.code).toBe(7);
  }, 20_000);

  it('--json gives the same error as a JSON document on stderr', async () => {
    const r = await k('--json', ...READ, 'secrets', 'get', 'app/x');
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stderr).error).toMatchObject({ code: 'TimeoutError', exitCode: 7, message: expect.stringMatching(/--cli-read-timeout/) });
  }, 20_000);

  it('doctor reports the endpoint check as failed with the timeout', async () => {
    const r = await k(...READ, 'doctor', '--secrets', 'app/x');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL\s+endpoint.*No response from Secrets Manager.*--cli-read-timeout/);
    expect(r.stdout).toMatch(/SKIPPED\s+exists\s+app\/x/);
  }, 20_000);

  it('migrate-table reads the rows, then ends with the timeout error', async () => {
    const a = pg!.adminConfig();
    const url = `postgres://${a.user}:${encodeURIComponent(a.password)}@${a.host}:${a.port}/${a.database}`;
    const r = await k(...READ, 'migrate-table', '--database-url', url, '--query', 'SELECT slug, db_password FROM clients', '--name', 'app/clients/{slug}', '--columns', 'password=db_password', '--yes');
    expect(r.stderr).toMatch(/No response from Secrets Manager.*--cli-read-timeout/);
    expect(r.code).toBe(7);
    expect(r.stdout + r.stderr).not.toMatch(/canary/);
  }, 30_000);

  it('rejects timeouts that are not a number of seconds', async () => {
    const r = await k('--cli-read-timeout', 'soon', 'secrets', 'list');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--cli-read-timeout.*seconds/);
    expect((await k('--cli-connect-timeout', '-1', 'secrets', 'list')).code).toBe(2);
  });
});

describe('timeout settings', () => {
  it('reach the SDK request handler: 60 s by default, the flags in seconds, 0 for no limit', async () => {
    const seen = async (...argv: string[]) => {
      const configs: Record<string, unknown>[] = [];
      // A closed port: the call fails at once, after the handler has resolved its settings.
      const run = cli({ endpoint: 'http://127.0.0.1:1', onClient: (c) => void configs.push(c.config.requestHandler as never) });
      await run('secrets', 'list', ...argv);
      const handler = configs[0] as unknown as { httpHandlerConfigs(): Record<string, unknown> };
      return handler.httpHandlerConfigs();
    };
    expect(await seen()).toMatchObject({ connectionTimeout: 60_000, socketTimeout: 60_000 });
    expect(await seen('--cli-read-timeout', '1')).toMatchObject({ socketTimeout: 1_000 });
    expect(await seen('--cli-connect-timeout', '2.5')).toMatchObject({ connectionTimeout: 2_500 });
    expect(await seen('--cli-connect-timeout', '0')).toMatchObject({ connectionTimeout: 0 });
  }, 20_000);
});
