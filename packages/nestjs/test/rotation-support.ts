// Shared pieces of the rotation e2e suites: a CredentialsSource over the real AWS SDK (talking
// to the emulator over HTTP), rotation steps done the way a rotation function does them, and a load
// generator that counts issued and failed operations.
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from '@aws-sdk/client-secrets-manager';
import { randomUUID } from 'node:crypto';
import { AwsSecretsManagerSource, SecretStore } from '@keyturn/core';
import { credentialsFromSecretStore, type CredentialsSource, type CredentialsVersion } from '@keyturn/core/connections';

/** The real stack: a core SecretStore reading Secrets Manager through the SDK, adapted for connections. */
export async function storeCredentials(client: SecretsManagerClient, secretId: string): Promise<{ store: SecretStore; source: CredentialsSource<string> }> {
  const store = new SecretStore({ sources: [new AwsSecretsManagerSource({ client, batch: 'never' })], logger: { log() {}, warn() {}, error() {} } });
  const source = await credentialsFromSecretStore(store, secretId);
  return { store, source };
}

/**
 * AWSCURRENT cached in memory; `refresh()` re-reads it (force), `pending()` reads AWSPENDING.
 * Mirrors what a SecretHandle gives, without the NestJS module.
 */
export class SdkCredentialsSource implements CredentialsSource {
  private value?: CredentialsVersion;
  private readonly listeners = new Set<(v: CredentialsVersion) => void>();
  /** Calls to Secrets Manager, by outcome. */
  readonly calls = { ok: 0, failed: 0 };

  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretId: string,
  ) {}

  async load(): Promise<this> {
    await this.refresh();
    return this;
  }

  current(): CredentialsVersion {
    if (!this.value) throw new Error(`secret ${this.secretId} not loaded`);
    return this.value;
  }

  async refresh(): Promise<boolean> {
    const next = await this.read('AWSCURRENT');
    if (!next) throw new Error(`secret ${this.secretId} has no AWSCURRENT`);
    const changed = this.value?.versionId !== next.versionId;
    this.value = next;
    if (changed) for (const l of this.listeners) l(next);
    return changed;
  }

  pending(): Promise<CredentialsVersion | undefined> {
    return this.read('AWSPENDING');
  }

  onChange(listener: (v: CredentialsVersion) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async read(stage: string): Promise<CredentialsVersion | undefined> {
    try {
      const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId, VersionStage: stage }));
      this.calls.ok += 1;
      return { versionId: out.VersionId!, stage, value: JSON.parse(out.SecretString!) };
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException' && stage !== 'AWSCURRENT') {
        this.calls.ok += 1;
        return undefined;
      }
      this.calls.failed += 1;
      throw error;
    }
  }
}

/** The Secrets Manager side of a rotation, step by step (as the rotation functions do it). */
export class SecretRotation {
  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretId: string,
  ) {}

  async create(value: object): Promise<string> {
    const out = await this.client.send(new CreateSecretCommand({ Name: this.secretId, SecretString: JSON.stringify(value) }));
    return out.VersionId!;
  }

  async current(): Promise<Record<string, unknown>> {
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    return JSON.parse(out.SecretString!);
  }

  /** createSecret: writes `value` under AWSPENDING; returns its version id (the token). */
  async putPending(value: object): Promise<string> {
    const token = randomUUID();
    await this.client.send(
      new PutSecretValueCommand({ SecretId: this.secretId, ClientRequestToken: token, SecretString: JSON.stringify(value), VersionStages: ['AWSPENDING'] }),
    );
    return token;
  }

  /** finishSecret: moves AWSCURRENT to `token` (AWSPREVIOUS follows). */
  async finish(token: string): Promise<void> {
    const described = await this.client.send(new DescribeSecretCommand({ SecretId: this.secretId }));
    const currentId = Object.entries(described.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes('AWSCURRENT'))?.[0];
    await this.client.send(
      new UpdateSecretVersionStageCommand({ SecretId: this.secretId, VersionStage: 'AWSCURRENT', MoveToVersionId: token, RemoveFromVersionId: currentId }),
    );
  }
}

export interface LoadStats {
  issued: number;
  failed: number;
  errors: string[];
}

/** Runs `workers` loops of `operation` until `stop()`; counts issued and failed operations. */
export function startLoad(workers: number, operation: (worker: number, i: number) => Promise<unknown>): { stats: LoadStats; stop(): Promise<LoadStats> } {
  const stats: LoadStats = { issued: 0, failed: 0, errors: [] };
  let running = true;
  const loops = Array.from({ length: workers }, async (_, w) => {
    for (let i = 0; running; i++) {
      stats.issued += 1;
      try {
        await operation(w, i);
      } catch (error) {
        stats.failed += 1;
        if (stats.errors.length < 5) stats.errors.push(`${(error as Error).name}: ${(error as Error).message}`);
      }
      // Yield so timers (idle timeouts, rotation steps) run between operations.
      await new Promise((r) => setImmediate(r));
    }
  });
  return {
    stats,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return stats;
    },
  };
}

/** Waits until at least `n` more operations were issued (lets the load run across a window without fixed sleeps). */
export async function whileLoadRuns(stats: LoadStats, n: number, timeoutMs = 20_000): Promise<void> {
  const target = stats.issued + n;
  const deadline = Date.now() + timeoutMs;
  while (stats.issued < target) {
    if (Date.now() > deadline) throw new Error(`load stalled: ${stats.issued}/${target} operations issued`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One line per scenario in the test output: what was issued, what failed, how long the pickup took. */
export function report(scenario: string, stats: LoadStats, extra: Record<string, unknown> = {}): void {
  const parts = Object.entries(extra).map(([k, v]) => `${k}=${String(v)}`);
  process.stdout.write(`[rotation] ${scenario}: issued=${stats.issued} failed=${stats.failed} ${parts.join(' ')}\n`);
}
