import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GetSecretValueCommand, ListSecretVersionIdsCommand, ListSecretsCommand, SecretsManagerClient, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import { startPostgres, startTestEmulator, testClientConfig, type PostgresServer, type TestEmulator } from '@keyturn/testing';
import { cli } from './cli-harness';

// `keyturn migrate-table` from a real PostgreSQL table (password auth) into the emulator, through the real AWS SDK v3 client.
const ROWS = 500;
const BIN = join(__dirname, '..', 'bin', 'keyturn.js');
const QUERY = 'SELECT slug, db_host, db_port, db_user, db_password, smtp_user, smtp_app_password FROM clients ORDER BY id';
const NAME = 'app/clients/{slug}';
const COLUMNS = 'db.host=db_host,db.port=db_port,db.username=db_user,db.password=db_password,smtp.username=smtp_user,smtp.password=smtp_app_password';
const WRITES = new Set(['CreateSecretCommand', 'PutSecretValueCommand', 'UpdateSecretVersionStageCommand']);

let pg: PostgresServer | undefined;
let emulator: TestEmulator | undefined;
let sm: SecretsManagerClient | undefined;
let databaseUrl: string;
const transcript: string[] = [];

beforeAll(async () => {
  pg = await startPostgres();
  emulator = await startTestEmulator();
  sm = new SecretsManagerClient(testClientConfig(emulator.endpoint));
  await pg.sql(`CREATE TABLE clients (id serial PRIMARY KEY, slug text, db_host text, db_port int, db_user text, db_password text, smtp_user text, smtp_app_password text)`);
  await pg.sql(
    `INSERT INTO clients (slug, db_host, db_port, db_user, db_password, smtp_user, smtp_app_password)
     SELECT 'client-' || lpad(i::text, 3, '0'), 'db' || i || '.internal', 5432, 'user_' || i, 'pw-canary-' || md5(i::text), 'mail' || i || '@example.com', 'smtp-canary-' || md5('s' || i)
     FROM generate_series(1, ${ROWS}) AS i`,
  );
  await pg.sql(`CREATE ROLE migrator LOGIN PASSWORD 'migrator-pw'; GRANT SELECT ON clients TO migrator`);
  databaseUrl = `postgres://migrator:migrator-pw@${pg.host}:${pg.port}/postgres`;
});
afterAll(async () => {
  sm?.destroy();
  await emulator?.stop();
  await pg?.stop();
});
beforeEach(async () => {
  await emulator!.reset();
  expect(await listAll()).toEqual([]);
  await pg!.sql(`UPDATE clients SET db_password = 'pw-canary-' || md5(id::text), slug = 'client-' || lpad(id::text, 3, '0')`);
});
afterAll(() => {
  // No value of the table reaches any output.
  expect(transcript.join('\n')).not.toMatch(/canary/);
});

/** A CLI run that counts its write calls. */
function counted(ttyStderr = false) {
  const writes: string[] = [];
  const run = cli({
    endpoint: emulator!.endpoint,
    transcript,
    ttyStderr,
    onClient: (client) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (WRITES.has(context.commandName as string)) writes.push(context.commandName as string);
          return next(args);
        },
        { step: 'initialize', name: 'countWrites' },
      ),
  });
  return { writes, run: (...argv: string[]) => run(...argv, '--database-url', databaseUrl) };
}

async function listAll(): Promise<SecretListEntry[]> {
  const out: SecretListEntry[] = [];
  let NextToken: string | undefined;
  do {
    const page = await sm!.send(new ListSecretsCommand({ NextToken, MaxResults: 100 }));
    out.push(...(page.SecretList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return out;
}
const stored = async (id: string) => JSON.parse((await sm!.send(new GetSecretValueCommand({ SecretId: id }))).SecretString as string);
const versions = async (id: string) => (await sm!.send(new ListSecretVersionIdsCommand({ SecretId: id, IncludeDeprecated: true }))).Versions?.length ?? 0;

it('plans without writing on --dry-run, without values, and prints the IAM it needs', async () => {
  const { run, writes } = counted();
  const r = await run('--json', 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--dry-run');
  expect(r.code).toBe(0);
  const plan = r.json();
  expect(plan.summary).toEqual({ rows: ROWS, create: ROWS, update: 0, unchanged: 0, error: 0 });
  expect(plan.secrets[0]).toMatchObject({ row: 1, secretId: 'app/clients/client-001', action: 'create', keyPaths: ['db.host', 'db.password', 'db.port', 'db.username', 'smtp.password', 'smtp.username'] });
  expect(plan.iam.Statement[0]).toMatchObject({ Action: expect.arrayContaining(['secretsmanager:CreateSecret', 'secretsmanager:PutSecretValue']), Resource: 'arn:aws:secretsmanager:us-east-1:<account-id>:secret:app/clients/*' });
  const text = await run('migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--dry-run', '--account', '123456789012');
  expect(text.stdout).toMatch(/Plan \(dry run, nothing changed\): 500 rows/);
  expect(text.stdout).toMatch(/1\s+app\/clients\/client-001\s+db\.host, db\.password, db\.port, db\.username, smtp\.password, … \(6\)\s+create/);
  expect(text.stdout).toMatch(/"Resource": "arn:aws:secretsmanager:us-east-1:123456789012:secret:app\/clients\/\*"/);
  expect(writes).toEqual([]);
  expect(await listAll()).toEqual([]);
});

it('moves 500 rows, a rerun writes nothing, and a changed row updates exactly one key of one secret', async () => {
  const first = counted(true);
  const r = await first.run('migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes');
  expect(r.code).toBe(0);
  expect(r.stderr).toMatch(/migrating .* 500\/500 rows/);
  expect(r.stdout).toMatch(/500 created, 0 updated, 0 unchanged, 0 failed\./);
  expect(first.writes.filter((w) => w === 'CreateSecretCommand')).toHaveLength(ROWS);
  expect((await listAll()).length).toBe(ROWS);
  const [{ db_password, smtp_app_password }] = (await pg!.sql(`SELECT db_password, smtp_app_password FROM clients WHERE slug = 'client-042'`)).rows;
  expect(await stored('app/clients/client-042')).toEqual({
    db: { host: 'db42.internal', port: 5432, username: 'user_42', password: db_password },
    smtp: { username: 'mail42@example.com', password: smtp_app_password },
  });

  const rerun = counted();
  const again = await rerun.run('--json', 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes');
  expect(again.code).toBe(0);
  expect(again.json().summary).toEqual({ rows: ROWS, create: 0, update: 0, unchanged: ROWS, error: 0 });
  expect(rerun.writes).toEqual([]);

  await pg!.sql(`UPDATE clients SET db_password = 'pw-canary-rotated' WHERE slug = 'client-007'`);
  const third = counted();
  const changed = await third.run('--json', 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes');
  expect(changed.json().summary).toEqual({ rows: ROWS, create: 0, update: 1, unchanged: ROWS - 1, error: 0 });
  expect(changed.json().secrets.find((s: { action: string }) => s.action === 'update')).toMatchObject({ secretId: 'app/clients/client-007', changed: ['db.password'], outcome: 'updated' });
  expect(third.writes).toEqual(['PutSecretValueCommand', 'UpdateSecretVersionStageCommand', 'UpdateSecretVersionStageCommand']);
  expect((await stored('app/clients/client-007')).db.password).toBe('pw-canary-rotated');
});

/** Forwards to the emulator; once `limit` CreateSecret calls went through, holds the next one and calls `onLimit`. */
function countingProxy(target: string, limit: number, onLimit: () => void) {
  let creates = 0;
  const inflight = new Set<Promise<void>>();
  const held: ServerResponse[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (String(req.headers['x-amz-target'] ?? '').endsWith('.CreateSecret') && ++creates > limit) {
        held.push(res);
        if (creates === limit + 1) onLimit();
        return;
      }
      const url = new URL(target);
      const forwarded = new Promise<void>((resolve) => {
        const out = request({ host: url.hostname, port: url.port, method: req.method, path: req.url, headers: { ...req.headers, host: url.host } }, (up) => {
          const body: Buffer[] = [];
          up.on('data', (c: Buffer) => body.push(c));
          up.on('end', () => {
            res.writeHead(up.statusCode ?? 500, up.headers);
            res.end(Buffer.concat(body));
            resolve();
          });
        });
        out.on('error', () => {
          res.destroy();
          resolve();
        });
        out.end(Buffer.concat(chunks));
      });
      inflight.add(forwarded);
      void forwarded.then(() => inflight.delete(forwarded));
    });
  });
  return {
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    /** Waits for the forwarded calls, then closes (held calls are dropped). */
    close: async () => {
      await Promise.all([...inflight]);
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

it('resumes a run killed mid-way (SIGKILL after 120 writes) and completes it without duplicate versions', async () => {
  if (!existsSync(join(__dirname, '..', 'dist', 'cjs', 'main.js'))) throw new Error('packages/cli is not built: run `npm run build` first');
  const LIMIT = 120;
  let child: ReturnType<typeof spawn> | undefined;
  let exit: NodeJS.Signals | number | null = null;
  const killed = new Promise<void>((resolve) => {
    const proxy = countingProxy(emulator!.endpoint, LIMIT, () => {
      child?.kill('SIGKILL');
    });
    void (async () => {
      try {
        const endpoint = await proxy.listen();
        child = spawn(process.execPath, [BIN, '--endpoint-url', endpoint, 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes'], {
          env: { ...process.env, DATABASE_URL: databaseUrl, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout?.on('data', (d) => (output += d));
        child.stderr?.on('data', (d) => (output += d));
        exit = await new Promise<NodeJS.Signals | number | null>((r) => child!.on('exit', (code, signal) => r(signal ?? code)));
        transcript.push(output);
      } finally {
        await proxy.close();
        resolve();
      }
    })();
  });
  await killed;
  expect(exit).toBe('SIGKILL');
  const written = await listAll();
  expect(written.length).toBe(LIMIT);

  const resume = counted();
  const r = await resume.run('--json', 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes');
  expect(r.code).toBe(0);
  expect(r.json().summary).toEqual({ rows: ROWS, create: ROWS - LIMIT, update: 0, unchanged: LIMIT, error: 0 });
  expect(resume.writes.filter((w) => w === 'CreateSecretCommand')).toHaveLength(ROWS - LIMIT);
  expect((await listAll()).length).toBe(ROWS);
  for (const id of ['app/clients/client-001', 'app/clients/client-250', 'app/clients/client-500']) expect(await versions(id)).toBe(1);
  const done = counted();
  expect((await done.run('--json', 'migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes')).json().summary.unchanged).toBe(ROWS);
  expect(done.writes).toEqual([]);
});

it('refuses rows that cannot become secrets, naming row, secret and key, before writing anything', async () => {
  await pg!.sql(`UPDATE clients SET slug = NULL WHERE id = 3`);
  await pg!.sql(`UPDATE clients SET slug = 'client-001' WHERE id = 9`);
  const { run, writes } = counted();
  const r = await run('migrate-table', '--query', QUERY, '--name', NAME, '--columns', COLUMNS, '--yes');
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/2 rows cannot become secrets; nothing was written/);
  expect(r.stderr).toMatch(/row 3: column "slug" is empty/);
  expect(r.stderr).toMatch(/row 9: secret app\/clients\/client-001 is also the name of row 1/);
  const missing = await run('migrate-table', '--query', QUERY, '--name', NAME, '--columns', 'db.password=db_pass', '--yes');
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/row 1 \(secret app\/clients\/client-001\): the query returns no column "db_pass" \(JSON key "db.password"\)/);
  const mapping = await run('migrate-table', '--query', QUERY, '--name', NAME, '--columns', 'db=db_host,db.password=db_password', '--yes');
  expect(mapping.stderr).toMatch(/"db" is both a value and the parent of "db.password"/);
  expect(writes).toEqual([]);
  expect(await listAll()).toEqual([]);
});
