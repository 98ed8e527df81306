import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '@keyturn/emulator';
import { Redis } from 'ioredis';
import type { SecretNames } from '../config/secret-names.js';
import type { PostgresSecret, RedisSecret, SmtpSecret } from '../secrets/secret-shapes.js';
import { demoSecrets, type EmbeddedPorts } from './demo-secrets.js';
import { LaunchError } from './launch-error.js';
import { assertPortFree } from './port-check.js';
import { canLogIn, provisionAppDatabase } from './postgres-provisioning.js';
import { PostgresProcess } from './postgres-process.js';
import { RedisProcess } from './redis-process.js';
import { rotationHandlers } from './rotation-handlers.js';
import { ensureSecrets, passwordsOfSecret, requireSecretJson } from './secrets-admin.js';
import { SmtpSink } from './smtp-sink.js';

/** Options of {@link EmbeddedStack}. */
export interface EmbeddedStackOptions {
  /** Folder for the emulator's secrets and the PostgreSQL cluster (`.keyturn/`). */
  readonly dataDir: string;
  readonly app: string;
  readonly names: SecretNames;
  /** @default 4583 */
  readonly emulatorPort: number;
  /** Ports written into the secrets on first run. */
  readonly ports: EmbeddedPorts;
  readonly log: (message: string) => void;
  /**
   * Folder of the PostgreSQL server binaries (`PG_BIN_DIR`).
   * @default the newest /usr/lib/postgresql/<version>/bin
   */
  readonly pgBinDir?: string;
  /**
   * redis-server binary (`REDIS_SERVER_BIN`).
   * @default 'redis-server'
   */
  readonly redisServerBin?: string;
}

/** Static credentials of the local emulator (it does not verify signatures unless configured to). */
export const EMULATOR_CREDENTIALS = { accessKeyId: 'keyturn-local', secretAccessKey: 'keyturn-local' } as const;
export const EMULATOR_REGION = 'us-east-1';

const isLoopback = (host: string) => host === '127.0.0.1' || host === 'localhost' || host === '::1';

/** One line per thing the stack started, for the start-up banner. */
export interface StartedService {
  readonly name: string;
  readonly where: string;
}

/**
 * The embedded default: the Secrets Manager emulator in-process (seeded with demo secrets on
 * first run), and private PostgreSQL, Redis and SMTP servers for secrets that point at this
 * machine, started with the credentials from those secrets. `stop()` stops all of it.
 */
export class EmbeddedStack {
  private emulatorServer: EmulatorServer | undefined;
  private sdk: SecretsManagerClient | undefined;
  private postgres: PostgresProcess | undefined;
  private redis: RedisProcess | undefined;
  private sink: SmtpSink | undefined;
  readonly started: StartedService[] = [];

  constructor(private readonly options: EmbeddedStackOptions) {}

  get endpoint(): string {
    if (!this.emulatorServer) throw new Error('EmbeddedStack is not started');
    return this.emulatorServer.endpoint;
  }

  get emulator(): EmulatorServer {
    if (!this.emulatorServer) throw new Error('EmbeddedStack is not started');
    return this.emulatorServer;
  }

  get client(): SecretsManagerClient {
    if (!this.sdk) throw new Error('EmbeddedStack is not started');
    return this.sdk;
  }

  get smtpSink(): SmtpSink | undefined {
    return this.sink;
  }

  async start(): Promise<void> {
    try {
      await this.startAll();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  private async startAll(): Promise<void> {
    const { dataDir, names, log } = this.options;
    mkdirSync(dataDir, { recursive: true });
    // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its folder inside dataDir.
    if (process.getuid?.() === 0) chmodSync(dataDir, statSync(dataDir).mode | 0o111);
    await assertPortFree('127.0.0.1', this.options.emulatorPort, 'Secrets Manager emulator', 'KEYTURN_EMULATOR_PORT');
    this.emulatorServer = await startEmulator({ host: '127.0.0.1', port: this.options.emulatorPort, dataDir: join(dataDir, 'emulator'), logger: false });
    this.started.push({ name: 'Secrets Manager emulator', where: `${this.emulatorServer.endpoint} (data in ${join(dataDir, 'emulator')})` });
    this.sdk = new SecretsManagerClient({ endpoint: this.emulatorServer.endpoint, region: EMULATOR_REGION, credentials: EMULATOR_CREDENTIALS });
    for (const [arn, handler] of Object.entries(rotationHandlers(this.sdk))) this.emulatorServer.registerRotationHandler(arn, handler);

    const created = await ensureSecrets(this.sdk, demoSecrets(names, this.options.app, this.options.ports));
    if (created.length > 0) log(`Seeded ${created.length} demo secrets: ${created.join(', ')}`);

    const pgMaster = await requireSecretJson<PostgresSecret>(this.sdk, names.postgresMaster);
    const pg = await requireSecretJson<PostgresSecret>(this.sdk, names.postgres);
    if (isLoopback(pg.host)) {
      await assertPortFree(pg.host, pg.port, 'PostgreSQL', `the "port" of secret ${names.postgres} (or delete ${dataDir} to reseed)`);
      this.postgres = new PostgresProcess({
        dir: join(dataDir, 'postgres'),
        host: pg.host,
        port: pg.port,
        superuser: pgMaster.username,
        superuserPassword: () => pgMaster.password,
        ...(this.options.pgBinDir ? { binDir: this.options.pgBinDir } : {}),
      });
      await this.postgres.start();
      try {
        await this.postgres.waitUntilReady(() => canLogIn({ ...pgMaster, host: pg.host, port: pg.port }));
      } catch (err) {
        throw new LaunchError(
          `${(err as Error).message}\nIf the superuser password in ${names.postgresMaster} no longer matches the cluster in ${join(dataDir, 'postgres')}, delete ${dataDir} to start over.`,
          { cause: err },
        );
      }
      await provisionAppDatabase({ ...pgMaster, host: pg.host, port: pg.port }, pg);
      this.started.push({ name: 'PostgreSQL', where: `${pg.host}:${pg.port} database ${pg.dbname} (data in ${join(dataDir, 'postgres')})` });
    }

    const redisMaster = await requireSecretJson<RedisSecret>(this.sdk, names.redisMaster);
    const redis = await requireSecretJson<RedisSecret>(this.sdk, names.redis);
    if (isLoopback(redis.host)) {
      await assertPortFree(redis.host, redis.port, 'Redis', `the "port" of secret ${names.redis} (or delete ${dataDir} to reseed)`);
      this.redis = new RedisProcess({ dir: join(dataDir, 'redis'), host: redis.host, port: redis.port, admin: redisMaster, app: redis, ...(this.options.redisServerBin ? { bin: this.options.redisServerBin } : {}) });
      await this.redis.start();
      await this.redis.waitUntilReady(async () => {
        const c = new Redis({ host: redis.host, port: redis.port, username: redisMaster.username, password: redisMaster.password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
        c.on('error', () => undefined);
        try {
          await c.connect();
          return (await c.ping()) === 'PONG';
        } finally {
          c.disconnect();
        }
      });
      this.started.push({ name: 'Redis', where: `${redis.host}:${redis.port} (ACL user ${redis.username})` });
    }

    const smtp = await requireSecretJson<SmtpSecret>(this.sdk, names.smtp);
    if (isLoopback(smtp.host)) {
      await assertPortFree(smtp.host, smtp.port, 'SMTP sink', `the "port" of secret ${names.smtp} (or delete ${dataDir} to reseed)`);
      this.sink = new SmtpSink({ host: smtp.host, port: smtp.port, username: smtp.username, acceptedPasswords: passwordsOfSecret(this.sdk, names.smtp) });
      await this.sink.start();
      this.started.push({ name: 'SMTP sink (records, delivers nothing)', where: `${smtp.host}:${smtp.port}` });
    }
  }

  async stop(): Promise<void> {
    const steps: (() => Promise<void> | void)[] = [
      () => this.sink?.stop(),
      () => this.redis?.stop(),
      () => this.postgres?.stop(),
      () => this.sdk?.destroy(),
      () => this.emulatorServer?.stop(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // keep stopping the rest
      }
    }
    this.sink = this.redis = this.postgres = this.sdk = this.emulatorServer = undefined;
  }
}
