import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@keyturn/testing';
import { EMULATOR_CLI_FLAGS } from '../src/index';
import { BIN, ensureBuilt, PACKAGE_DIR, startBin, type BinProcess } from './bin';

const run = promisify(execFile);

describe('the bin driven by the AWS CLI', () => {
  let dir: string;
  let proc: BinProcess;
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'cli-key',
    AWS_SECRET_ACCESS_KEY: 'cli-secret',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
    AWS_PROFILE: undefined,
    AWS_ENDPOINT_URL: undefined,
  };
  const sm = async (...args: string[]): Promise<Record<string, unknown>> => {
    const { stdout } = await run(process.env.AWS_CLI_BIN ?? 'aws', ['--endpoint-url', proc.endpoint, '--output', 'json', 'secretsmanager', ...args], { env, timeout: 60_000 });
    return stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {};
  };

  beforeAll(async () => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-'));
    const seed = join(dir, 'seed.yml');
    writeFileSync(seed, 'secrets:\n  - name: seeded/one\n    value: seeded-value-123\n');
    // SigV4 on: the CLI signs with the configured key, so this also checks botocore's signatures.
    proc = await startBin(['--port', String(await freePort()), '--data', join(dir, 'data'), '--seed', seed, '--credentials', 'cli-key:cli-secret']);
  });
  afterAll(async () => {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('create, get, put, batch-get, list and describe', async () => {
    const created = await sm('create-secret', '--name', 'cli/db', '--secret-string', '{"password":"cli-value-1"}', '--tags', 'Key=env,Value=test');
    expect(created.ARN).toMatch(/:secret:cli\/db-[A-Za-z0-9]{6}$/);
    expect((await sm('get-secret-value', '--secret-id', 'cli/db')).SecretString).toBe('{"password":"cli-value-1"}');
    const put = await sm('put-secret-value', '--secret-id', 'cli/db', '--secret-string', '{"password":"cli-value-2"}');
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const batch = await sm('batch-get-secret-value', '--secret-id-list', 'cli/db', 'seeded/one');
    expect((batch.SecretValues as { Name: string; SecretString: string }[]).map((v) => [v.Name, v.SecretString]).sort()).toEqual([
      ['cli/db', '{"password":"cli-value-2"}'],
      ['seeded/one', 'seeded-value-123'],
    ]);
    const list = await sm('list-secrets', '--filters', 'Key=tag-key,Values=env');
    expect((list.SecretList as { Name: string }[]).map((s) => s.Name)).toEqual(['cli/db']);
    const described = await sm('describe-secret', '--secret-id', 'cli/db');
    expect(Object.values(described.VersionIdsToStages as Record<string, string[]>).sort()).toEqual([['AWSCURRENT'], ['AWSPREVIOUS']]);
    await expect(sm('get-secret-value', '--secret-id', 'cli/missing')).rejects.toMatchObject({ stderr: expect.stringContaining('ResourceNotFoundException') });
  });

  it('logs one line per request without values, and stops cleanly on SIGINT', async () => {
    proc.child.kill('SIGINT');
    expect(await proc.exited).toBe(0);
    const log = proc.output();
    expect(log).toMatch(/GetSecretValue cli\/db 200 [\d.]+ms/);
    expect(log).toMatch(/GetSecretValue cli\/missing 400 ResourceNotFoundException [\d.]+ms/);
    expect(log).toMatch(/BatchGetSecretValue \[2 ids\] 200/);
    for (const value of ['cli-value-1', 'cli-value-2', 'seeded-value-123']) expect(log).not.toContain(value);
  });
});

describe('the bin: flags shared with `keyturn emulator`, --version, notices under --quiet', () => {
  beforeAll(() => ensureBuilt());

  it('--version prints the package version', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--version']);
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version);
  });

  it('--help lists every shared flag', async () => {
    const { stdout } = await run(process.execPath, [BIN, '--help']);
    for (const f of EMULATOR_CLI_FLAGS) expect(stdout).toContain(`--${f.name}`);
  });

  it('an unknown flag or a bad value is refused with exit code 1', async () => {
    await expect(run(process.execPath, [BIN, '--access-key', 'a:b'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('access-key') });
    await expect(run(process.execPath, [BIN, '--credentials', 'nocolon'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--credentials takes') });
  });

  it('with --quiet, a torn last journal line is still reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyturn-quiet-'));
    try {
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'journal.log'), '0123456789abcdef {"seq":1,"put":{"arn":"x"');
      const proc = await startBin(['--port', String(await freePort()), '--data', join(dir, 'data'), '--quiet']);
      proc.child.kill('SIGINT');
      await proc.exited;
      expect(proc.output()).toMatch(/dropped a torn \(unterminated\) last journal line/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
