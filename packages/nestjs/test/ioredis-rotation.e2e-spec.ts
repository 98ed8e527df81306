import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, startRedis, testClientConfig, waitFor, type TestEmulator, type RedisServer } from '@keyturn/testing';
import { inspect } from 'node:util';
import { createRotatingRedis, type RotatingRedis } from '@keyturn/core/connections';
import { CredentialsRejectedError } from '@keyturn/core/connections';
import type { SecretStore } from '@keyturn/core';
import { report, SdkCredentialsSource, SecretRotation, sleep, startLoad, storeCredentials, whileLoadRuns } from './rotation-support.js';

const WORKERS = 8;

class MemoryLogger {
  readonly lines: { at: number; message: string }[] = [];
  log = (message: string) => void this.lines.push({ at: Date.now(), message });
  warn = this.log;
  error = this.log;
  after(at: number, pattern: RegExp): number | undefined {
    return this.lines.find((l) => l.at >= at && pattern.test(l.message))?.at;
  }
}

describe('ioredis client over a rotating Redis ACL secret', () => {
  let redis: RedisServer;
  let emulatorServer: TestEmulator;
  let sm: SecretsManagerClient;
  const clients: RotatingRedis[] = [];
  const stores: SecretStore[] = [];

  beforeAll(async () => {
    [redis, emulatorServer] = await Promise.all([startRedis(), startTestEmulator()]);
    sm = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(stores.map((s) => s.stop()));
    sm?.destroy();
    await Promise.all([redis?.stop(), emulatorServer?.stop()]);
  });

  it('ACL password rotation with every connection killed mid-load: zero failed commands', async () => {
    await redis.command('ACL', 'SETUSER', 'app', 'on', '>r-one', '~*', '+@all');
    const rotation = new SecretRotation(sm, 'cache/app');
    const secret = { host: redis.host, port: redis.port, username: 'app', password: 'r-one' };
    await rotation.create(secret);
    const { store, source } = await storeCredentials(sm, 'cache/app');
    stores.push(store);
    const logger = new MemoryLogger();
    const rotating = await createRotatingRedis(source, { logger });
    clients.push(rotating);
    const { client } = rotating;

    const load = startLoad(WORKERS, (w, i) => (i % 2 === 0 ? client.incr(`counter:${w}`) : client.get(`counter:${w}`)));
    const kill = () => redis.command('CLIENT', 'KILL', 'USER', 'app');

    // 1. ElastiCache style: setSecret adds the new password next to the old one.
    await whileLoadRuns(load.stats, 300);
    await redis.command('ACL', 'SETUSER', 'app', '>r-two');
    const token2 = await rotation.putPending({ ...secret, password: 'r-two' });
    await kill();
    await whileLoadRuns(load.stats, 300);
    await rotation.finish(token2);
    // The old password goes; the app has not refreshed yet, so its reconnect is rejected (WRONGPASS).
    await redis.command('ACL', 'SETUSER', 'app', '<r-one');
    const removedAt = Date.now();
    await kill();
    await whileLoadRuns(load.stats, 300);
    const pickup1 = logger.after(removedAt, /accepted credentials/);
    expect(source.current().versionId).toBe(token2);

    // 2. Single-user window: the server only knows the new password, AWSCURRENT still has the old one.
    await redis.command('ACL', 'SETUSER', 'app', 'resetpass', '>r-three');
    const token3 = await rotation.putPending({ ...secret, password: 'r-three' });
    const windowAt = Date.now();
    await kill();
    await sleep(2_000); // the window, under load
    await rotation.finish(token3);
    await source.refresh(); // the handle's periodic refresh: AWSCURRENT moved, the live connection re-authenticates
    await whileLoadRuns(load.stats, 300);
    const pickup2 = logger.after(windowAt, /accepted credentials .*AWSPENDING/);

    // 3. Rotation picked up by a refresh, then the old password removed and connections killed again.
    await redis.command('ACL', 'SETUSER', 'app', '>r-four');
    const token4 = await rotation.putPending({ ...secret, password: 'r-four' });
    await rotation.finish(token4);
    const refreshedAt = Date.now();
    await source.refresh();
    await waitFor(() => logger.after(refreshedAt, /re-authenticated with version/) !== undefined, 'the live connection to re-authenticate', 10_000, 10);
    await redis.command('ACL', 'SETUSER', 'app', '<r-three');
    await kill();
    await whileLoadRuns(load.stats, 300);
    const stats = await load.stop();

    report('redis ACL rotation x3 with CLIENT KILL', stats, {
      pickupAfterOldRemovedMs: pickup1 === undefined ? 'n/a' : pickup1 - removedAt,
      pickupInWindowMs: pickup2 === undefined ? 'n/a' : pickup2 - windowAt,
    });
    expect(stats.errors).toEqual([]);
    expect(stats.failed).toBe(0);
    expect(stats.issued).toBeGreaterThan(1_500);
    expect(pickup1).toBeDefined();
    expect(pickup2).toBeDefined();
    expect(await client.call('ACL', 'WHOAMI')).toBe('app');
    const counted = (await Promise.all(Array.from({ length: WORKERS }, (_, w) => client.get(`counter:${w}`)))).map(Number);
    expect(counted.every((n) => n > 0)).toBe(true);
  });

  it('wrong credentials that never become right: a clear error after the budget, never the password', async () => {
    const canary = `canary-${Date.now()}-pw`;
    await redis.command('ACL', 'SETUSER', 'app_wrong', 'on', '>the-real-one', '~*', '+@all');
    const rotation = new SecretRotation(sm, 'cache/wrong');
    await rotation.create({ host: redis.host, port: redis.port, username: 'app_wrong', password: canary });
    const source = await new SdkCredentialsSource(sm, 'cache/wrong').load();
    const logger = new MemoryLogger();

    const error = await createRotatingRedis(source, { logger, retry: { budgetMs: 1_500 } }).then(
      (r) => (clients.push(r), undefined),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    const rejected = error as CredentialsRejectedError;
    expect(rejected.message).toContain('"cache/wrong"');
    expect(rejected.message).toContain('user "app_wrong"');
    expect(rejected.code).toBe('WRONGPASS');
    for (const text of [rejected.message, inspect(rejected, { depth: 5 }), JSON.stringify(rejected), ...logger.lines.map((l) => l.message)]) {
      expect(text).not.toContain(canary);
    }
    expect(source.calls.ok).toBeGreaterThan(2);
  });
});
