import { randomUUID } from 'node:crypto';
import {
  BatchGetSecretValueCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
  type GetSecretValueCommandOutput,
  type SecretsManagerClientConfig,
  type SecretValueEntry,
} from '@aws-sdk/client-secrets-manager';
import { classifyError, errorCode, isTransientError } from '../errors/classify-error.js';
import { SecretNotFoundError } from '../errors/secret-not-found.error.js';
import { INSPECT } from '../values/redaction.js';
import { SecretValue } from '../values/secret-value.js';
import { mapLimit } from './map-limit.js';
import { describeVersion, isCurrentRequest, type SecretFetchResult, type SecretRequest, type SecretSource, type SourceObserver } from './secret-source.js';

/** Options of {@link AwsSecretsManagerSource}. */
export interface AwsSecretsManagerSourceOptions {
  /**
   * A client to use (not destroyed by the source). Without it the source creates one from
   * `clientConfig` with the standard credential chain and region resolution; the SDK honours
   * `AWS_ENDPOINT_URL_SECRETS_MANAGER` and `AWS_ENDPOINT_URL`.
   */
  client?: SecretsManagerClient;
  /**
   * Configuration of the client the source creates.
   * @default {}
   * @example { region: 'eu-west-1', maxAttempts: 3 }
   */
  clientConfig?: SecretsManagerClientConfig;
  /**
   * `auto`: BatchGetSecretValue for two or more current versions, GetSecretValue otherwise;
   * `always`: batch even a single id; `never`: GetSecretValue only. Batching falls back to
   * GetSecretValue for the life of the source when the caller may not use it.
   * @default 'auto'
   */
  batch?: 'auto' | 'always' | 'never';
  /**
   * Maximum calls in flight (BatchGetSecretValue chunks, GetSecretValue calls).
   * @default 8
   */
  concurrency?: number;
  /**
   * The region this source reads (the client's region unless `clientConfig.region` says otherwise).
   * Values then carry it (`SecretValue.region`) and the default name becomes `aws:<region>`.
   * {@link RegionalSource} sets it for each of its regions.
   * @default undefined (the SDK resolves the region; values carry none)
   * @example 'eu-west-1'
   */
  region?: string;
  /**
   * Name recorded as the value's source.
   * @default 'aws', or 'aws:<region>' with `region`
   */
  name?: string;
}

const BATCH_SIZE = 20;
const BATCH_ACTION = 'secretsmanager:BatchGetSecretValue and secretsmanager:GetSecretValue';
const GET_ACTION = 'secretsmanager:GetSecretValue';
const UNSUPPORTED = new Set(['AccessDeniedException', 'UnknownOperationException', 'InvalidAction', 'InvalidActionException', 'UnsupportedOperation', 'UnsupportedOperationException', 'NotImplemented']);

type Outcome = SecretFetchResult | undefined;

/**
 * AWS Secrets Manager through the SDK v3 client. Current versions are read with
 * BatchGetSecretValue in chunks of 20 ids (in parallel, paginated, per-secret `Errors[]` mapped);
 * versions by stage or id with GetSecretValue. API calls are counted with client middleware.
 */
export class AwsSecretsManagerSource implements SecretSource {
  readonly name: string;
  readonly #options: AwsSecretsManagerSourceOptions;
  readonly #observers = new Set<SourceObserver>();
  readonly #calls = new Map<string, number>();
  readonly #middlewareName = `keyturnApiCalls-${randomUUID()}`;
  #client?: SecretsManagerClient;
  #batchRefusal?: string;
  #describeRefusal?: string;

  constructor(options: AwsSecretsManagerSourceOptions = {}) {
    this.#options = options;
    this.name = options.name ?? (options.region ? `aws:${options.region}` : 'aws');
  }

  /** The SDK client (created on first use unless one was given). */
  get client(): SecretsManagerClient {
    if (!this.#client) {
      const client = this.#options.client ?? new SecretsManagerClient({ ...(this.#options.region ? { region: this.#options.region } : {}), ...(this.#options.clientConfig ?? {}) });
      client.middlewareStack.add(
        (next, context) => async (args) => {
          this.#countCall(String(context.commandName ?? 'Unknown').replace(/Command$/, ''));
          return next(args);
        },
        { step: 'finalizeRequest', priority: 'low', name: this.#middlewareName },
      );
      this.#client = client;
    }
    return this.#client;
  }

  /** Why BatchGetSecretValue is no longer used (the error code), if it was refused. */
  get batchRefusal(): string | undefined {
    return this.#batchRefusal;
  }

  /** API calls sent so far, by operation (every HTTP attempt counts). */
  apiCalls(): Record<string, number> {
    return Object.fromEntries(this.#calls);
  }

  observe(observer: SourceObserver): () => void {
    this.#observers.add(observer);
    return () => this.#observers.delete(observer);
  }

  #countCall(operation: string): void {
    this.#calls.set(operation, (this.#calls.get(operation) ?? 0) + 1);
    for (const o of this.#observers) o.apiCall(operation, this.#options.region);
  }

  async fetch(requests: readonly SecretRequest[], opts: { signal?: AbortSignal } = {}): Promise<SecretFetchResult[]> {
    const results: Outcome[] = new Array(requests.length);
    const mode = this.#options.batch ?? 'auto';
    const currentIds = [...new Set(requests.filter(isCurrentRequest).map((r) => r.secretId))];
    const useBatch = mode !== 'never' && this.#batchRefusal === undefined && currentIds.length >= (mode === 'always' ? 1 : 2);
    if (useBatch) {
      const chunks: string[][] = [];
      for (let i = 0; i < currentIds.length; i += BATCH_SIZE) chunks.push(currentIds.slice(i, i + BATCH_SIZE));
      const byId = new Map<string, SecretFetchResult>();
      await mapLimit(chunks, this.#concurrency(), async (ids) => {
        for (const [id, r] of await this.#batchChunk(ids, opts.signal)) byId.set(id, r);
      });
      requests.forEach((request, i) => {
        const r = isCurrentRequest(request) ? byId.get(request.secretId) : undefined;
        if (r) results[i] = { ...r, request };
      });
    }
    const rest = requests.map((r, i) => [r, i] as const).filter(([, i]) => results[i] === undefined);
    await mapLimit(rest, this.#concurrency(), async ([request, i]) => {
      results[i] = await this.#get(request, opts.signal);
    });
    return results as SecretFetchResult[];
  }

  /**
   * NextRotationDate from DescribeSecret. A refusal (no secretsmanager:DescribeSecret permission)
   * is remembered for the life of the source: it is not asked again.
   */
  async nextRotation(secretId: string, opts: { signal?: AbortSignal } = {}): Promise<Date | undefined> {
    if (this.#describeRefusal !== undefined) return undefined;
    try {
      const out = await this.client.send(new DescribeSecretCommand({ SecretId: secretId }), { abortSignal: opts.signal });
      return out.RotationEnabled === false ? undefined : out.NextRotationDate;
    } catch (err) {
      if (!isTransientError(err)) this.#describeRefusal = errorCode(err) ?? 'Refused';
      return undefined;
    }
  }

  #concurrency(): number {
    return Math.max(1, this.#options.concurrency ?? 8);
  }

  /** One chunk of at most 20 ids, all pages. Ids left without an answer are retried with GetSecretValue by the caller. */
  async #batchChunk(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, SecretFetchResult>> {
    const out = new Map<string, SecretFetchResult>();
    let nextToken: string | undefined;
    do {
      let page;
      try {
        const command = new BatchGetSecretValueCommand({ SecretIdList: [...ids], NextToken: nextToken });
        command.middlewareStack.add(noRetryWhenThrottled, NO_RETRY_WHEN_THROTTLED);
        page = await this.client.send(command, { abortSignal: signal });
      } catch (err) {
        if (isBatchRefusal(err)) {
          this.#batchRefusal = errorCode(err) ?? 'Unsupported';
          return out;
        }
        if (err instanceof BatchThrottled || isThrottling(err)) {
          // BatchGetSecretValue has a quota of its own (100/s per account and region, against
          // 10,000/s for GetSecretValue): the ids left unanswered go to GetSecretValue instead, at
          // once (the SDK's retries would add to the exhausted quota and delay the start-up).
          return out;
        }
        if (isTransientError(err)) {
          for (const id of ids) {
            if (!out.has(id)) out.set(id, { request: { secretId: id }, ok: false, error: classifyError(err, { secretId: id, action: BATCH_ACTION, source: this.name }) });
          }
        }
        // Any other whole-call refusal (e.g. one malformed id): ask per secret so each gets its own answer.
        return out;
      }
      for (const entry of page.SecretValues ?? []) {
        const id = ids.find((i) => matches(i, entry.Name, entry.ARN));
        if (id === undefined) continue;
        try {
          out.set(id, { request: { secretId: id }, ok: true, value: this.#toValue(id, entry) });
        } catch (err) {
          out.set(id, { request: { secretId: id }, ok: false, error: classifyError(err, { secretId: id, action: BATCH_ACTION, source: this.name }) });
        }
      }
      for (const e of page.Errors ?? []) {
        const id = ids.find((i) => i === e.SecretId) ?? ids.find((i) => e.SecretId !== undefined && matches(i, e.SecretId, e.SecretId));
        if (id === undefined) continue;
        const cause = Object.assign(new Error(e.Message ?? e.ErrorCode ?? 'error'), { name: e.ErrorCode ?? 'UnknownError' });
        out.set(id, { request: { secretId: id }, ok: false, error: classifyError(cause, { secretId: id, action: BATCH_ACTION, source: this.name }) });
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return out;
  }

  async #get(request: SecretRequest, signal?: AbortSignal): Promise<SecretFetchResult> {
    const version = describeVersion(request);
    try {
      const out = await this.client.send(
        new GetSecretValueCommand({ SecretId: request.secretId, VersionStage: request.versionStage, VersionId: request.versionId }),
        { abortSignal: signal },
      );
      return { request, ok: true, value: this.#toValue(request.secretId, out) };
    } catch (err) {
      return { request, ok: false, error: classifyError(err, { secretId: request.secretId, action: GET_ACTION, source: this.name, version }) };
    }
  }

  #toValue(secretId: string, out: SecretValueEntry | GetSecretValueCommandOutput): SecretValue {
    if (!out.VersionId || (out.SecretString === undefined && out.SecretBinary === undefined)) {
      // A version without a value (e.g. an AWSPENDING version before createSecret) is "not found" in AWS too.
      throw new SecretNotFoundError(`Secret "${secretId}" has no value in this version`, { secretId, code: 'ResourceNotFoundException' });
    }
    return new SecretValue({
      secretId,
      name: out.Name,
      arn: out.ARN,
      versionId: out.VersionId,
      versionStages: out.VersionStages,
      createdDate: out.CreatedDate,
      source: this.name,
      ...(this.#options.region ? { region: this.#options.region } : {}),
      ...(out.SecretBinary !== undefined ? { secretBinary: out.SecretBinary } : { secretString: out.SecretString }),
    });
  }

  async destroy(): Promise<void> {
    if (!this.#client) return;
    if (this.#options.client) this.#client.middlewareStack.remove(this.#middlewareName);
    else this.#client.destroy();
    this.#client = undefined;
  }

  toString(): string {
    return `AwsSecretsManagerSource(${this.name})`;
  }

  toJSON(): Record<string, unknown> {
    return { source: this.name, batch: this.#options.batch ?? 'auto', batchRefusal: this.#batchRefusal };
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/** A requested id (name, full ARN or ARN without the random suffix) against a returned Name/ARN. */
function matches(id: string, name?: string, arn?: string): boolean {
  if (id === name || id === arn) return true;
  return id.startsWith('arn:') && arn !== undefined && arn.startsWith(`${id}-`) && arn.length === id.length + 7;
}

/**
 * A throttled BatchGetSecretValue, as the SDK's retry strategy sees it: not a throttling error, so
 * it is not retried (the source reads those ids with GetSecretValue instead).
 */
class BatchThrottled extends Error {
  constructor(readonly code: string | undefined) {
    super(`BatchGetSecretValue throttled (${code ?? 'throttling'})`);
    this.name = 'BatchThrottled';
  }
}

/** Inside the SDK's retry middleware (deserialize step): turns a throttling error into {@link BatchThrottled}. */
const noRetryWhenThrottled =
  <A, R>(next: (args: A) => Promise<R>) =>
  async (args: A): Promise<R> => {
  try {
    return await next(args);
  } catch (err) {
    throw isThrottling(err) ? new BatchThrottled(errorCode(err)) : err;
  }
};
const NO_RETRY_WHEN_THROTTLED = { step: 'deserialize', priority: 'high', name: 'keyturnBatchNoRetryWhenThrottled' } as const;

function isThrottling(err: unknown): boolean {
  const code = errorCode(err);
  return code === 'ThrottlingException' || code === 'Throttling' || code === 'TooManyRequestsException' || code === 'RequestLimitExceeded';
}

function isBatchRefusal(err: unknown): boolean {
  const code = errorCode(err);
  if (code !== undefined && UNSUPPORTED.has(code)) return true;
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return (status === 404 && code !== 'ResourceNotFoundException') || status === 501;
}
