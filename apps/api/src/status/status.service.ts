import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DescribeSecretCommand, ListSecretVersionIdsCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsService } from '@keyturn/nestjs';
import type { SecretState } from '@keyturn/core';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { API_OPTIONS, type ApiOptions } from '../config/api-options.js';
import { API_REDIS } from '../redis/redis.constants.js';
import { STATUS_SECRETS_CLIENT, STATUS_TIMELINE } from './status.constants.js';
import type { StatusTimeline, TimelineEvent, TimelineSeries } from './status-timeline.js';

/** A dependency's health as the status page shows it. */
export interface DependencyStatus {
  readonly status: 'up' | 'down';
  readonly latencyMs?: number;
  /** Error name or code, never a connection string. */
  readonly error?: string;
}

/** One staging label and the version it points to. */
export interface StageInfo {
  readonly stage: string;
  readonly versionId: string;
  readonly createdAt?: string;
}

/** One secret on the status page: metadata only, never a value. */
export interface SecretStatusView {
  readonly name: string;
  readonly state: string;
  readonly source?: string;
  readonly versionId?: string;
  readonly versionCreatedAt?: string;
  readonly fetchedAt?: string;
  readonly nextRefreshAt?: string;
  readonly lastErrorCode?: string;
  readonly rotationUnfinished?: boolean;
  /** AWSCURRENT / AWSPREVIOUS / AWSPENDING from DescribeSecret and ListSecretVersionIds. */
  readonly stages: StageInfo[];
  readonly rotationEnabled?: boolean;
  readonly lastRotatedAt?: string;
  readonly nextRotationAt?: string;
  /** Set when DescribeSecret failed (the stages shown are the last ones read). */
  readonly describeErrorCode?: string;
  readonly describedAt?: string;
}

/** What `/status/data` returns and the page renders. */
export interface StatusSnapshot {
  readonly title: string;
  readonly generatedAt: string;
  readonly database: DependencyStatus;
  readonly redis: DependencyStatus;
  readonly secrets: SecretStatusView[];
  readonly timeline: TimelineSeries;
  /** The last rotations, rejections and errors, newest first. */
  readonly recent: TimelineEvent[];
}

interface Described {
  at: number;
  stages: StageInfo[];
  rotationEnabled?: boolean;
  lastRotatedAt?: string;
  nextRotationAt?: string;
  errorCode?: string;
}

const STAGES = ['AWSCURRENT', 'AWSPREVIOUS', 'AWSPENDING'];
/** DescribeSecret results are reused this long (a page refreshing every few seconds costs one call per secret per interval). */
const DESCRIBE_TTL_MS = 5_000;
const PING_TIMEOUT_MS = 1_000;
const DESCRIBE_TIMEOUT_MS = 2_000;

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T> =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error(`timeout after ${ms} ms`), { name: 'TimeoutError' })), ms).unref())]);

const errorCode = (err: unknown): string => {
  const e = err as { code?: unknown; name?: unknown } | null;
  if (typeof e?.code === 'string') return e.code;
  return typeof e?.name === 'string' ? e.name : 'Error';
};

/**
 * Gathers the status page: the database and Redis (a ping each), each secret's state in the cache
 * and its staging labels in Secrets Manager (through the app's own SDK client), and the timeline of
 * the store's events.
 */
@Injectable()
export class StatusService implements OnModuleInit, OnApplicationShutdown {
  readonly #described = new Map<string, Described>();
  readonly #unsubscribe: (() => void)[] = [];

  constructor(
    private readonly secrets: SecretsService,
    @Inject(API_OPTIONS) private readonly options: ApiOptions,
    @Inject(STATUS_TIMELINE) private readonly timeline: StatusTimeline,
    @Inject(STATUS_SECRETS_CLIENT) private readonly client: SecretsManagerClient,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(API_REDIS) private readonly redis: Redis,
  ) {}

  onModuleInit(): void {
    const store = this.secrets.store;
    const t = this.timeline;
    this.#unsubscribe.push(
      store.on('rotation', (e) => t.push({ at: e.at.getTime(), kind: 'rotation', secretId: e.secretId, versionId: e.versionId })),
      store.on('rejected', (e) => t.push({ at: e.at.getTime(), kind: 'rejected', secretId: e.secretId, versionId: e.versionId })),
      store.on('error', (e) => t.push({ at: e.at.getTime(), kind: 'error', secretId: e.secretId, code: e.error.code ?? e.error.name, state: e.state })),
      store.on('state', (s) => t.push({ at: Date.now(), kind: 'state', secretId: s.secretId, state: s.state, ...(s.versionId ? { versionId: s.versionId } : {}) })),
    );
  }

  onApplicationShutdown(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
  }

  async snapshot(): Promise<StatusSnapshot> {
    const states = this.secrets
      .states()
      .filter((s) => s.versionStage === undefined && s.requestedVersionId === undefined)
      .sort((a, b) => a.secretId.localeCompare(b.secretId));
    const [database, redis, described] = await Promise.all([
      this.#ping(() => this.dataSource.query('SELECT 1')),
      this.#ping(() => this.redis.ping()),
      Promise.all(states.map((s) => this.#describe(s.secretId))),
    ]);
    const secrets = states.map((s, i) => view(s, described[i]));
    const stale = states.filter((s) => s.state === 'stale').map((s) => s.secretId);
    const recent = this.timeline
      .events()
      .filter((e) => e.kind === 'rotation' || e.kind === 'rejected' || e.kind === 'error')
      .slice(-20)
      .reverse();
    return {
      title: `Secrets of ${this.options.app} (${this.options.env})`,
      generatedAt: new Date().toISOString(),
      database,
      redis,
      secrets,
      timeline: this.timeline.series(stale),
      recent,
    };
  }

  async #ping(fn: () => Promise<unknown>): Promise<DependencyStatus> {
    const started = performance.now();
    try {
      await withTimeout(fn(), PING_TIMEOUT_MS);
      return { status: 'up', latencyMs: Math.round((performance.now() - started) * 10) / 10 };
    } catch (err) {
      return { status: 'down', error: errorCode(err) };
    }
  }

  /** Staging labels, rotation dates and version creation dates; the last good answer is kept when Secrets Manager fails. */
  async #describe(secretId: string): Promise<Described | undefined> {
    const cached = this.#described.get(secretId);
    if (cached && Date.now() - cached.at < DESCRIBE_TTL_MS) return cached;
    try {
      const [d, versions] = await withTimeout(
        Promise.all([this.client.send(new DescribeSecretCommand({ SecretId: secretId })), this.client.send(new ListSecretVersionIdsCommand({ SecretId: secretId, MaxResults: 20 }))]),
        DESCRIBE_TIMEOUT_MS,
      );
      const created = new Map((versions.Versions ?? []).map((v) => [v.VersionId, v.CreatedDate?.toISOString()]));
      const stages: StageInfo[] = [];
      for (const stage of STAGES) {
        const versionId = Object.entries(d.VersionIdsToStages ?? {}).find(([, labels]) => labels.includes(stage))?.[0];
        if (versionId) stages.push({ stage, versionId, ...(created.get(versionId) ? { createdAt: created.get(versionId) } : {}) });
      }
      const out: Described = {
        at: Date.now(),
        stages,
        ...(d.RotationEnabled !== undefined ? { rotationEnabled: d.RotationEnabled } : {}),
        ...(d.LastRotatedDate ? { lastRotatedAt: d.LastRotatedDate.toISOString() } : {}),
        ...(d.NextRotationDate ? { nextRotationAt: d.NextRotationDate.toISOString() } : {}),
      };
      this.#described.set(secretId, out);
      return out;
    } catch (err) {
      const kept: Described = { ...(cached ?? { stages: [] }), at: Date.now(), errorCode: errorCode(err) };
      this.#described.set(secretId, kept);
      return kept;
    }
  }
}

function view(s: SecretState, d: Described | undefined): SecretStatusView {
  const iso = (x: Date | string | undefined) => (x === undefined ? undefined : new Date(x).toISOString());
  const v: Record<string, unknown> = {
    name: s.secretId,
    state: s.state,
    source: s.source,
    versionId: s.versionId,
    versionCreatedAt: iso(s.versionCreatedAt) ?? d?.stages.find((x) => x.versionId === s.versionId)?.createdAt,
    fetchedAt: iso(s.fetchedAt),
    nextRefreshAt: iso(s.nextRefreshAt),
    lastErrorCode: s.lastErrorCode,
    rotationUnfinished: s.rotationUnfinished ? true : undefined,
    stages: d?.stages ?? [],
    rotationEnabled: d?.rotationEnabled,
    lastRotatedAt: d?.lastRotatedAt,
    nextRotationAt: d?.nextRotationAt,
    describeErrorCode: d?.errorCode,
    describedAt: d ? new Date(d.at).toISOString() : undefined,
  };
  for (const k of Object.keys(v)) if (v[k] === undefined) delete v[k];
  return v as unknown as SecretStatusView;
}
