import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@keyturn/testing';
import { ensureBuilt, startBin, type BinProcess } from './bin';

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
    proc = await startBin(['--port', String(await freePort()), '--data', join(dir, 'data'), '--seed', seed, '--access-key', 'cli-key:cli-secret']);
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
