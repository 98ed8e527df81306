// Every strategy, every step boundary: the database / Redis / key consumer, or Secrets Manager,
// becomes unreachable right after createSecret, setSecret or testSecret, and comes back. At every
// step boundary AWSCURRENT or AWSPENDING must log in, and the emulator's retries (same token) must
// finish the rotation with AWSCURRENT logging in, with no manual step.
import { CreateSecretCommand, GetSecretValueCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer, type RotationHandler } from '@keyturn/emulator';
import { createRotationHandler, postgresAlternatingUsers, postgresSingleUser, randomKey, redisAclUser } from '@keyturn/rotation';
import { startPostgres, startRedis, startTcpProxy, waitFor, type PostgresServer, type RedisServer, type TcpProxy } from '@keyturn/testing';

const lambda = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:${name}`;
const LONG = { AutomaticallyAfterDays: 1000 };
/** Fast retries: the attempts outlast any outage in this file. */
const RETRY = { maxAttempts: 10_000, initialBackoffMs: 20, maxBackoffMs: 100 };
const clientConfig = (endpoint: string) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });

type Json = Record<string, any>;
type Target = 'service' | 'secrets-manager';
const AFTER = ['createSecret', 'setSecret', 'testSecret'] as const;

interface Strategy {
  name: string;
  short: string;
  /** Creates the user (if any) and its secret; returns the secret id. */
  create(tag: string): Promise<string>;
  /** These credentials log in (straight to the server, not through the proxy). */
  works(value: Json): Promise<boolean>;
  handler(client: SecretsManagerClient): RotationHandler;
  cut(): void;
  restore(): void;
}

describe('rotation survives an outage at every step boundary (emulator retries, real PostgreSQL and Redis)', () => {
  let emulator: EmulatorServer | undefined;
  let pg: PostgresServer | undefined;
  let redis: RedisServer | undefined;
  const proxies: TcpProxy[] = [];
  let direct: SecretsManagerClient | undefined;
  let viaProxy: SecretsManagerClient | undefined;
  let pgProxy: TcpProxy;
  let redisProxy: TcpProxy;
  let smProxy: TcpProxy;
  const results: string[] = [];
  /** The stand-in for a service that must accept a new random key (webhook provider, another service). */
  const keyConsumer = { accepted: new Set<string>(), down: false };

  const put = async (name: string, value: Json) => {
    await direct!.send(new CreateSecretCommand({ Name: name, SecretString: JSON.stringify(value) }));
    return name;
  };
  const initial = (tag: string) => `initial-${tag}-${Date.now()}`;

  const strategies = (): Strategy[] => [
    {
      name: 'PostgreSQL single user',
      short: 'pgsingle',
      create: async (tag) => {
        const password = initial(tag);
        await pg!.sql(`CREATE USER ${tag} WITH LOGIN PASSWORD '${password}'`);
        return put(`db/${tag}`, { engine: 'postgres', host: pgProxy.host, port: pgProxy.port, username: tag, password, dbname: 'postgres', ssl: false });
      },
      works: (v) => pg!.canLogin(v.username, v.password),
      handler: (client) => createRotationHandler(postgresSingleUser({ connectTimeoutMs: 3000 }), { client, logger: false }),
      cut: () => pgProxy.cut(),
      restore: () => pgProxy.restore(),
    },
    {
      name: 'PostgreSQL alternating users',
      short: 'pgalt',
      create: async (tag) => {
        const password = initial(tag);
        await pg!.sql(`CREATE USER ${tag} WITH LOGIN PASSWORD '${password}'`);
        const master = await put(`db/${tag}/master`, {
          engine: 'postgres', host: pgProxy.host, port: pgProxy.port, username: pg!.superuser, password: pg!.superuserPassword, dbname: 'postgres', ssl: false,
        });
        return put(`db/${tag}`, { engine: 'postgres', host: pgProxy.host, port: pgProxy.port, username: tag, password, dbname: 'postgres', ssl: false, masterarn: master });
      },
      works: (v) => pg!.canLogin(v.username, v.password),
      handler: (client) => createRotationHandler(postgresAlternatingUsers({ connectTimeoutMs: 3000 }), { client, logger: false }),
      cut: () => pgProxy.cut(),
      restore: () => pgProxy.restore(),
    },
    {
      name: 'Redis ACL user',
      short: 'redis',
      create: async (tag) => {
        const password = initial(tag);
        await redis!.command('ACL', 'SETUSER', tag, 'on', `>${password}`, '~*', '+@all');
        const admin = await put(`cache/${tag}/admin`, { username: redis!.adminUser, password: redis!.adminPassword, host: redisProxy.host, port: redisProxy.port });
        return put(`cache/${tag}`, { host: redisProxy.host, port: redisProxy.port, username: tag, password, adminArn: admin });
      },
      works: (v) => redis!.canLogin(v.username, v.password),
      handler: (client) => createRotationHandler(redisAclUser({ connectTimeoutMs: 3000 }), { client, logger: false }),
      cut: () => redisProxy.cut(),
      restore: () => redisProxy.restore(),
    },
    {
      name: 'random key',
      short: 'key',
      create: async (tag) => {
        const key = initial(tag);
        keyConsumer.accepted.add(key);
        return put(`keys/${tag}`, { signingKey: key, issuer: 'keyturn' });
      },
      works: async (v) => typeof v.signingKey === 'string' && keyConsumer.accepted.has(v.signingKey),
      handler: (client) =>
        createRotationHandler(
          randomKey({
            keys: ['signingKey'],
            apply: (c) => {
              if (keyConsumer.down) throw new Error('key consumer unreachable');
              keyConsumer.accepted.add(c.pending('signingKey'));
            },
            verify: (c) => {
              if (keyConsumer.down) throw new Error('key consumer unreachable');
              if (!keyConsumer.accepted.has(c.pending('signingKey'))) throw new Error('key consumer does not know the new key');
            },
          }),
          { client, logger: false },
        ),
      cut: () => (keyConsumer.down = true),
      restore: () => (keyConsumer.down = false),
    },
  ];

  beforeAll(async () => {
    [emulator, pg, redis] = await Promise.all([startEmulator({ rotationRetry: RETRY, logger: false }), startPostgres(), startRedis()]);
    pgProxy = await startTcpProxy(pg);
    proxies.push(pgProxy);
    redisProxy = await startTcpProxy(redis);
    proxies.push(redisProxy);
    smProxy = await startTcpProxy({ host: '127.0.0.1', port: emulator.port });
    proxies.push(smProxy);
    direct = new SecretsManagerClient(clientConfig(emulator.endpoint));
    // The rotation function reaches Secrets Manager through its own proxy, so it can lose it alone.
    viaProxy = new SecretsManagerClient(clientConfig(`http://${smProxy.host}:${smProxy.port}`));
  });
  afterAll(async () => {
    if (results.length > 0) process.stdout.write(`\nrotation resilience matrix (ms from restore to AWSCURRENT logging in):\n${results.join('\n')}\n`);
    direct?.destroy();
    viaProxy?.destroy();
    await Promise.allSettled(proxies.map((p) => p.close()));
    await Promise.allSettled([emulator?.stop(), pg?.stop(), redis?.stop()]);
  });

  const cases = strategies().flatMap((s) => (['service', 'secrets-manager'] as Target[]).flatMap((target) => AFTER.map((after) => ({ s, target, after }))));

  it.each(cases.map((c) => [c.s.name, c.target === 'service' ? (c.s.short === 'key' ? 'the key consumer' : c.s.short.startsWith('pg') ? 'PostgreSQL' : 'Redis') : 'Secrets Manager', c.after, c]))(
    '%s: %s unreachable right after %s, then back',
    async (_name, _what, _after, c) => {
      const { s, target, after } = c as (typeof cases)[number];
      const tag = `${s.short}_${target === 'service' ? 'svc' : 'sm'}_${after.replace('Secret', '').toLowerCase()}`;
      const id = await s.create(tag);
      const cut = target === 'service' ? s.cut : () => smProxy.cut();
      const restore = target === 'service' ? s.restore : () => smProxy.restore();
      const inner = s.handler(viaProxy!);
      const state = { cutDone: false, failuresWhileCut: 0, checks: 0, violations: [] as string[] };
      const isCut = () => (target === 'secrets-manager' ? smProxy.isCut : s.short === 'key' ? keyConsumer.down : (s.short === 'redis' ? redisProxy : pgProxy).isCut);
      const read = async (VersionStage: string) => {
        try {
          return JSON.parse((await direct!.send(new GetSecretValueCommand({ SecretId: id, VersionStage }))).SecretString!) as Json;
        } catch (e) {
          if ((e as Error).name === 'ResourceNotFoundException') return undefined;
          throw e;
        }
      };
      // At each step boundary, straight to the servers: AWSCURRENT or AWSPENDING logs in.
      const check = async (when: string) => {
        state.checks += 1;
        const current = await read('AWSCURRENT');
        if (current && (await s.works(current))) return;
        const pending = await read('AWSPENDING');
        if (pending && (await s.works(pending))) return;
        state.violations.push(when);
      };
      const handler: RotationHandler = async (event) => {
        await check(`before ${event.Step}`);
        try {
          await inner(event);
        } catch (e) {
          if (isCut()) state.failuresWhileCut += 1;
          await check(`after failed ${event.Step}`);
          throw e;
        }
        await check(`after ${event.Step}`);
        if (!state.cutDone && event.Step === after) {
          state.cutDone = true;
          cut();
        }
      };
      const arn = lambda(tag);
      emulator!.registerRotationHandler(arn, handler);
      try {
        const out = await direct!.send(new RotateSecretCommand({ SecretId: id, RotationLambdaARN: arn, RotationRules: LONG }));
        let settledYet = false;
        const settled = emulator!.waitForRotation(id, { settled: true, timeoutMs: 120_000 }).finally(() => (settledYet = true));
        // Let the rotation fail (at least twice) while the outage lasts, unless it does not need what is cut.
        await waitFor(async () => state.failuresWhileCut >= 2 || settledYet, `${tag}: attempts failing during the outage`, 60_000, 10);
        restore();
        const restoredAt = Date.now();
        const outcome = await settled;
        const ms = Date.now() - restoredAt;
        results.push(`  ${s.name.padEnd(30)} ${(target === 'service' ? 'service' : 'Secrets Manager').padEnd(16)} after ${after.padEnd(13)} ${String(outcome.attempt).padStart(3)} attempts  ${String(ms).padStart(5)} ms`);

        expect(outcome).toMatchObject({ status: 'succeeded', versionId: out.VersionId });
        expect(state.violations).toEqual([]);
        expect(state.checks).toBeGreaterThanOrEqual(8);
        // Cut after testSecret, only finishSecret is left, and it needs nothing but Secrets Manager.
        if (target === 'secrets-manager' || after !== 'testSecret') expect(state.failuresWhileCut).toBeGreaterThanOrEqual(2);
        const current = await direct!.send(new GetSecretValueCommand({ SecretId: id }));
        expect(current.VersionId).toBe(out.VersionId);
        expect(await s.works(JSON.parse(current.SecretString!))).toBe(true);
      } finally {
        restore();
      }
    },
    120_000,
  );
});
