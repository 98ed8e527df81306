import type { KeyturnError } from '../errors/keyturn.error.js';
import type { SecretMismatch } from '../migration/secret-mismatch.js';
import type { SecretValue } from '../values/secret-value.js';

/** One thing to fetch: a secret and, optionally, a version stage or id (AWSCURRENT otherwise). */
export interface SecretRequest {
  secretId: string;
  versionStage?: string;
  versionId?: string;
}

/**
 * A value served by a replica region because the primary region failed transiently: which region,
 * and when the source will ask the primary again (the store refreshes the secret then).
 */
export interface ReplicaServe {
  readonly region: string;
  readonly primaryRegion: string;
  /** Epoch milliseconds. */
  readonly primaryRetryAt: number;
}

/**
 * The answer for one request: a value or a classified error. `fallback` is set when a non-primary
 * source of a chain answered; `replica` when a replica region answered for a failing primary.
 */
export type SecretFetchResult =
  | { request: SecretRequest; ok: true; value: SecretValue; fallback?: boolean; replica?: ReplicaServe }
  | { request: SecretRequest; ok: false; error: KeyturnError };

/** Receives the API calls a source makes (used for metrics) and, in migration mode, the mismatches it finds. */
export interface SourceObserver {
  /** One API call (each HTTP attempt); `region` is set by regional sources. */
  apiCall(operation: string, region?: string): void;
  /** A side-by-side source found that its old and new sides disagree (never carries a value). */
  mismatch?(mismatch: SecretMismatch): void;
}

/**
 * Where secret values come from. `fetch` answers every request (never rejects for a per-secret
 * failure; it returns `ok: false` with a KeyturnError for that request).
 */
export interface SecretSource {
  /** Short name recorded in `SecretValue.source` and in states (e.g. `aws`, `env`). */
  readonly name: string;
  fetch(requests: readonly SecretRequest[], opts?: { signal?: AbortSignal }): Promise<SecretFetchResult[]>;
  /** Subscribes to the API calls the source makes; returns an unsubscribe function. */
  observe?(observer: SourceObserver): () => void;
  destroy?(): Promise<void> | void;
  /**
   * When the secret's next rotation is scheduled (AWS: DescribeSecret's NextRotationDate), for
   * rotation-aware refresh timing. Resolves undefined when none is scheduled or the caller may not
   * ask; never rejects for a refusal.
   */
  nextRotation?(secretId: string, opts?: { signal?: AbortSignal }): Promise<Date | undefined>;
}

/** A request's version part in words, for error messages (undefined for AWSCURRENT). */
export function describeVersion(r: SecretRequest): string | undefined {
  if (r.versionId) return `version ${r.versionId}${r.versionStage ? ` / ${r.versionStage}` : ''}`;
  if (r.versionStage && r.versionStage !== 'AWSCURRENT') return `stage ${r.versionStage}`;
  return undefined;
}

/** Whether a request asks for the current version only. */
export const isCurrentRequest = (r: SecretRequest): boolean => !r.versionId && (!r.versionStage || r.versionStage === 'AWSCURRENT');
