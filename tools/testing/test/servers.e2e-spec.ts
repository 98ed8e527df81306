import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';
import { startMoto, startPostgres, startRedis, testClientConfig, waitFor } from '@keyturn/testing';
import { sweepOrphanServers } from '../servers';

const root = resolve(__dirname, '../../..');
const fixtures = join(__dirname, 'fixtures');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Runs one fixture file in its own Jest process, in band, so that the servers are that process's children. */
function runFixture(file: string, pidsFile: string): ChildProcess {
  return spawn(process.execPath, [join(root, 'node_modules/jest/bin/jest.js'), '--config', join(fixtures, 'jest.config.ts'), '--runInBand', '--ci', file], {
    cwd: root,
    env: { ...process.env, KEYTURN_FIXTURE_PIDS: pidsFile },
    stdio: 'ignore',
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('servers started by tests', () => {
  let dir: string;
  const started: number[] = [];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'keyturn-servers-'));
  });
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('start private moto, PostgreSQL (password auth) and Redis (ACL)', async () => {
    const [moto, pg, redis] = await Promise.all([startMoto(), startPostgres(), startRedis()]);
    try {
      const sm = new SecretsManagerClient(testClientConfig(moto.endpoint));
      await sm.send(new CreateSecretCommand({ Name: 'infra/x', SecretString: 'v' }));
      expect((await sm.send(new GetSecretValueCommand({ SecretId: 'infra/x' }))).SecretString).toBe('v');
      sm.destroy();
      expect((await pg.sql('select 1 as one')).rows[0].one).toBe(1);
      const bad = new Client({ ...pg.adminConfig(), password: 'wrong' });
      await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
      expect(await redis.command('PING')).toBe('PONG');
    } finally {
      await Promise.all([moto.stop(), pg.stop(), redis.stop()]);
    }
    expect([pg.pid, redis.pid].filter(alive)).toEqual([]);
  });

  it('stop when a suite fails in beforeAll after starting them and its afterAll throws', async () => {
    const pids = join(dir, 'setup-fails.json');
    const code = await exited(runFixture('setup-fails.fixture.ts', pids));
    expect(code).toBe(1);
    const [redisPid, pgPid] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    started.push(redisPid, pgPid);
    expect([redisPid, pgPid].filter(alive)).toEqual([]);
  });

  it('stop when the Jest process running them is killed with SIGKILL', async () => {
    const pids = join(dir, 'killed.json');
    const child = runFixture('killed.fixture.ts', pids);
    try {
      await waitFor(() => existsSync(pids), 'the fixture to start its servers', 120_000, 100);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    const [redisPid, pgPid] = JSON.parse(readFileSync(pids, 'utf8')) as number[];
    started.push(redisPid, pgPid);
    expect([redisPid, pgPid].filter(alive)).toHaveLength(2);
    child.kill('SIGKILL');
    await exited(child);
    await waitFor(() => !alive(redisPid) && !alive(pgPid), 'the servers to exit', 20_000, 100);
    expect([redisPid, pgPid].filter(alive)).toEqual([]);
  });

  it('a later run sweeps a registered server whose owner is gone, and leaves a recycled pid alone', async () => {
    // As on a system without setpriv: nothing ties these processes to their (already dead) owner.
    const orphan = spawn('sleep', ['600'], { stdio: 'ignore' });
    const other = spawn('tail', ['-f', '/dev/null'], { stdio: 'ignore' });
    started.push(orphan.pid!, other.pid!);
    const registry = join(tmpdir(), 'keyturn-test-servers');
    mkdirSync(registry, { recursive: true });
    const deadOwner = spawn('true');
    await exited(deadOwner);
    writeFileSync(join(registry, `${orphan.pid}.json`), JSON.stringify({ pid: orphan.pid, owner: deadOwner.pid, program: 'sleep', name: 'orphan' }));
    // The recorded program does not match what that pid runs now.
    writeFileSync(join(registry, `${other.pid}.json`), JSON.stringify({ pid: other.pid, owner: deadOwner.pid, program: 'redis-server', name: 'recycled' }));
    expect(sweepOrphanServers()).toEqual([`orphan (pid ${orphan.pid})`]);
    await exited(orphan);
    expect(alive(orphan.pid!)).toBe(false);
    expect(alive(other.pid!)).toBe(true);
    expect(existsSync(join(registry, `${orphan.pid}.json`))).toBe(false);
    expect(existsSync(join(registry, `${other.pid}.json`))).toBe(false);
    other.kill('SIGKILL');
  });
});
