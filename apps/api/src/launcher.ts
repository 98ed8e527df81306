import 'reflect-metadata';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { apiOptionsFromEnv, type ApiOptions } from './config/api-options.js';
import { createApiApp } from './bootstrap.js';
import { defaultDataDir } from './embedded/data-dir.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, EmbeddedStack } from './embedded/embedded-stack.js';
import { LaunchError } from './embedded/launch-error.js';
import { assertPortFree } from './embedded/port-check.js';

/** A running API and everything started for it. */
export interface RunningApi {
  readonly app: INestApplication;
  readonly url: string;
  readonly options: ApiOptions;
  /** Present on the embedded default. */
  readonly stack?: EmbeddedStack;
  stop(): Promise<void>;
}

const intEnv = (env: NodeJS.ProcessEnv, name: string, fallback: number): number => {
  const raw = env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new LaunchError(`${name} must be a TCP port number, got "${raw}"`);
  return n;
};

/**
 * Whether to run the embedded default: yes unless `KEYTURN_EMBEDDED=0`, or
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` points at a Secrets Manager of your own.
 */
export function useEmbedded(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.KEYTURN_EMBEDDED === '0' || env.KEYTURN_EMBEDDED === 'false') return false;
  if (env.KEYTURN_EMBEDDED === '1' || env.KEYTURN_EMBEDDED === 'true') return true;
  return !env.AWS_ENDPOINT_URL_SECRETS_MANAGER;
}

/** How {@link launchApi} reports. */
export interface LaunchOptions {
  /** Launcher messages. @default console.log */
  readonly log?: (message: string) => void;
  /** Nest's logger; `false` silences it. @default Nest's console logger */
  readonly nestLogger?: LoggerService | LogLevel[] | false;
  /** Options over those read from the environment. */
  readonly overrides?: Partial<ApiOptions>;
}

/** Starts the API (and on the embedded default, the emulator and private servers first). */
export async function launchApi(env: NodeJS.ProcessEnv = process.env, launch: LaunchOptions = {}): Promise<RunningApi> {
  const log = launch.log ?? console.log;
  const overrides = launch.overrides ?? {};
  const port = intEnv(env, 'PORT', 3000);
  const host = env.HOST ?? '127.0.0.1';
  let stack: EmbeddedStack | undefined;
  let options = apiOptionsFromEnv(env, overrides);
  await assertPortFree(host, port, 'API', 'PORT');
  if (useEmbedded(env)) {
    stack = new EmbeddedStack({
      dataDir: defaultDataDir(env),
      app: options.app,
      names: options.secrets,
      emulatorPort: intEnv(env, 'KEYTURN_EMULATOR_PORT', 4583),
      ports: { postgres: intEnv(env, 'KEYTURN_PG_PORT', 54329), redis: intEnv(env, 'KEYTURN_REDIS_PORT', 63799), smtp: intEnv(env, 'KEYTURN_SMTP_PORT', 2525) },
      log,
      ...(env.PG_BIN_DIR ? { pgBinDir: env.PG_BIN_DIR } : {}),
      ...(env.REDIS_SERVER_BIN ? { redisServerBin: env.REDIS_SERVER_BIN } : {}),
    });
    await stack.start();
    options = { ...options, secretsEndpoint: stack.endpoint, region: EMULATOR_REGION };
  }
  let app: INestApplication | undefined;
  try {
    app = await createApiApp({ api: options, ...(stack ? { credentials: EMULATOR_CREDENTIALS } : {}) }, launch.nestLogger);
    await app.listen(port, host);
  } catch (err) {
    await app?.close().catch(() => undefined);
    await stack?.stop();
    throw err;
  }
  const url = `http://${host}:${port}`;
  const running = app;
  return {
    app: running,
    url,
    options,
    ...(stack ? { stack } : {}),
    stop: async () => {
      await running.close().catch(() => undefined);
      await stack?.stop();
    },
  };
}
