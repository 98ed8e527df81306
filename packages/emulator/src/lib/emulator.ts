import { Input } from './api/input.js';
import { SecretsManagerService } from './api/secrets-manager.service.js';
import { EMULATOR_DEFAULTS, type EmulatorOptions } from './emulator.options.js';
import { ServiceError } from './errors/service-error.js';
import { FaultInjector } from './faults/fault-injector.js';
import { EmulatorHttpServer } from './http/emulator-http-server.js';
import { SigV4Verifier } from './http/sigv4-verifier.js';
import { isLoopbackAddress } from './http/emulator-http-server.js';
import { regionOfArn, SecretRepository, SecretStore } from './model/secret-repository.js';
import { RequestCounter } from './metrics/request-counter.js';
import { QuotaLimiter } from './quotas/quota-limiter.js';
import { JournalPersistence } from './persistence/journal-persistence.js';
import { MemoryPersistence, type Persistence } from './persistence/persistence.js';
import { RotationHandlerRegistry } from './rotation/rotation-handler-registry.js';
import { RotationRunner } from './rotation/rotation-runner.js';
import { RotationScheduler } from './rotation/rotation-scheduler.js';
import { rotationWindowMs } from './rotation/rotation-schedule.js';
import type { RotationHandler, RotationOutcome } from './rotation/rotation.types.js';
import { normaliseSeed, readSeedFile, seedToCreateRequest } from './seed/seed.js';

/** A running emulator. */
export interface EmulatorServer {
  /** `http://<host>:<port>`, for the SDK's `endpoint` or the CLI's `--endpoint-url`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  /** Injected faults (latency, throttling, 5xx, outage). */
  readonly faults: FaultInjector;
  /** API requests answered so far by region and operation (totals, throttled, errors, peak per second); `reset()` starts afresh. */
  readonly requests: RequestCounter;
  /** Stops listening, cancels rotations and timers, and closes the store. */
  stop(): Promise<void>;
  /** Registers (or replaces) the rotation function for a RotationLambdaARN. */
  registerRotationHandler(lambdaArn: string, handler: RotationHandler | string): void;
  /**
   * Resolves with the outcome of the running rotation attempt of a secret (name or ARN); with
   * none running, the last finished one; with none yet, the next one to finish. With
   * `settled: true`, the first outcome after which no retry is scheduled (success, cancellation,
   * or failure with the attempts used up).
   */
  waitForRotation(secretId: string, opts?: { timeoutMs?: number; settled?: boolean }): Promise<RotationOutcome>;
  /** Result of seeding: names created and names left as they were. */
  readonly seeded: { created: string[]; existing: string[] };
}

/**
 * Starts a Secrets Manager-compatible endpoint.
 * @example
 * const emulator = await startEmulator({ port: 0 });
 * const client = new SecretsManagerClient({ endpoint: emulator.endpoint, region: emulator.region, credentials });
 * await emulator.stop();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorServer> {
  const o = { ...EMULATOR_DEFAULTS, ...stripUndefined(options) };
  const log = o.logger ? (msg: string) => (o.logger as { log(m: string): void }).log(msg) : undefined;
  const notice = o.notice ?? ((msg: string) => void process.stderr.write(`keyturn-emulator: ${msg}\n`));
  const persistence: Persistence = o.dataDir
    ? new JournalPersistence({ dir: o.dataDir, compactEvery: o.compactEvery, notice })
    : new MemoryPersistence();
  if (!REGION.test(o.region) || (o.regions && !o.regions.every((r) => REGION.test(r)))) {
    throw new Error(`region names look like us-east-1; got ${[o.region, ...(o.regions ?? [])].filter((r) => !REGION.test(r)).join(', ')}`);
  }
  const store = new SecretStore(persistence, o.accountId);
  store.load();
  /** Every region, by ARN: what the rotation runner and scheduler work on. */
  const repository = new SecretRepository(store, o.region, true);
  const home = new SecretRepository(store, o.region);
  // Without `regions`, one region answers whatever region a request names (as a single-region
  // endpoint); with it, each served region has its own secrets.
  const served = o.regions ? new Set([o.region, ...o.regions]) : undefined;
  const servesRegion = (r: string) => (served ? served.has(r) : r === o.region);
  const registry = new RotationHandlerRegistry();
  for (const [arn, h] of Object.entries(o.rotationHandlers ?? {})) registry.register(arn, h);
  const runner = new RotationRunner({ repository, registry, rotationTimeScale: o.rotationTimeScale, retry: o.rotationRetry, log: log ?? (() => undefined) });
  const services = new Map<string, SecretsManagerService>();
  const serviceFor = (requested: string): SecretsManagerService | undefined => {
    const region = served ? requested : o.region;
    if (!servesRegion(region)) return undefined;
    let s = services.get(region);
    if (!s) {
      s = new SecretsManagerService({
        repository: new SecretRepository(store, region),
        regionRepository: (r) => (servesRegion(r) ? new SecretRepository(store, r) : undefined),
        rotation: runner,
        rotationTimeScale: o.rotationTimeScale,
      });
      services.set(region, s);
    }
    return s;
  };
  const service = serviceFor(o.region)!;
  const seeded = { created: [] as string[], existing: [] as string[] };
  if (o.seed !== undefined) {
    const doc = typeof o.seed === 'string' ? readSeedFile(o.seed) : normaliseSeed(o.seed);
    for (const s of doc.secrets) {
      if (home.find(s.name)) {
        seeded.existing.push(s.name);
        continue;
      }
      try {
        service.createSecret(Input.of(seedToCreateRequest(s)));
      } catch (e) {
        store.close();
        const reason = e instanceof ServiceError ? `${e.code}: ${e.message}` : String(e);
        throw new Error(`seed: secret ${s.name} could not be created (${reason})`);
      }
      seeded.created.push(s.name);
    }
  }
  const faults = new FaultInjector();
  const requests = new RequestCounter();
  const hostCheck = o.hostCheck ?? (isLoopbackAddress(o.host) || o.host === 'localhost');
  const http = new EmulatorHttpServer({
    host: o.host,
    port: o.port,
    serviceFor,
    defaultRegion: o.region,
    faults,
    quotas: o.quotas ? new QuotaLimiter(o.quotas === true ? {} : o.quotas) : undefined,
    verifier: o.credentials && o.credentials.length > 0 ? new SigV4Verifier(o.credentials, servesRegion) : undefined,
    log,
    requests,
    maxBodyBytes: o.maxBodyBytes,
    allowedHosts: hostCheck ? (o.allowedHosts ?? []) : undefined,
    adminFromAnyAddress: o.adminFromAnyAddress,
    maxOutageMs: o.maxOutageMs,
    requestTimeoutMs: o.requestTimeoutMs,
    headersTimeoutMs: o.headersTimeoutMs,
    maxConnections: o.maxConnections,
  });
  faults.onOutageChange((outage) => {
    http.setOutage(outage).catch((e: Error) => log?.(`outage ${outage ? 'start' : 'end'} failed: ${e.message}`));
  });
  let scheduler: RotationScheduler | undefined;
  try {
    await http.listen();
  } catch (e) {
    store.close();
    throw e;
  }
  if (o.rotationTimeScale !== undefined) {
    scheduler = new RotationScheduler({
      repository,
      runner,
      log: log ?? (() => undefined),
      windowMs: (rules) => rotationWindowMs(rules) / o.rotationTimeScale!,
      skip: (arn) => (serviceFor(regionOfArn(arn)) ?? service).skipMissedRotationWindow(arn),
      rotate: (arn, token) => void (serviceFor(regionOfArn(arn)) ?? service).rotateSecret(Input.of(token === undefined ? { SecretId: arn } : { SecretId: arn, ClientRequestToken: token })),
    });
    scheduler.start();
  }
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${http.port}`,
    port: http.port,
    region: o.region,
    faults,
    requests,
    seeded,
    registerRotationHandler: (arn, handler) => registry.register(arn, handler),
    waitForRotation: (secretId, opts) => {
      const arn = home.find(secretId)?.arn ?? secretId;
      return runner.wait(arn, opts?.timeoutMs ?? 30_000, opts?.settled ?? false);
    },
    stop: () =>
      (stopped ??= (async () => {
        scheduler?.stop();
        runner.stop();
        faults.dispose();
        await http.close();
        store.close();
      })()),
  };
}

/** A region name such as us-east-1, eu-west-3 or us-gov-west-1. */
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
