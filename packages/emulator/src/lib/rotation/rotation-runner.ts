import { AWSCURRENT, AWSPENDING, type SecretRecord } from '../model/secret-record.js';
import type { SecretRepository } from '../model/secret-repository.js';
import { findVersion } from '../model/staging-labels.js';
import type { RotationHandlerRegistry } from './rotation-handler-registry.js';
import { backoffMs, ROTATION_RETRY_DEFAULTS, type RotationRetryOptions } from './rotation-retry.options.js';
import { nextRotationDate } from './rotation-schedule.js';
import type { RotationController, RotationOutcome, RotationStep } from './rotation.types.js';

interface Running {
  versionId: string;
  cancelled: boolean;
  done: Promise<RotationOutcome>;
}

/** The attempts of one rotation (one ClientRequestToken). */
interface Series {
  lambdaArn: string;
  versionId: string;
  mode: 'full' | 'test';
  attempt: number;
  /** The next attempt, while one is scheduled. */
  timer?: NodeJS.Timeout;
}

interface Waiter {
  resolve: (o: RotationOutcome) => void;
  /** Only an outcome after which nothing more is scheduled. */
  settled: boolean;
}

const FULL: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Options of the rotation runner. */
export interface RotationRunnerOptions {
  repository: SecretRepository;
  registry: RotationHandlerRegistry;
  rotationTimeScale?: number;
  /** Retries of a failed rotation (same token, exponential back-off). */
  retry?: RotationRetryOptions;
  log: (msg: string) => void;
  clock?: () => number;
}

/**
 * Runs rotation functions the way Secrets Manager does: after RotateSecret has answered, the
 * handler is called with createSecret, setSecret, testSecret and finishSecret in turn. The first
 * failing step ends the attempt and leaves AWSPENDING where it is; the whole rotation is then
 * retried with the same ClientRequestToken after a back-off, a bounded number of times, for as
 * long as that version still holds AWSPENDING (and not AWSCURRENT).
 */
export class RotationRunner implements RotationController {
  private readonly running = new Map<string, Running>();
  private readonly series = new Map<string, Series>();
  private readonly last = new Map<string, RotationOutcome>();
  private readonly waiters = new Map<string, Waiter[]>();
  private readonly clock: () => number;
  private readonly retry: Required<RotationRetryOptions>;
  private stopped = false;

  constructor(private readonly options: RotationRunnerOptions) {
    this.clock = options.clock ?? Date.now;
    const given = Object.fromEntries(Object.entries(options.retry ?? {}).filter(([, v]) => v !== undefined)) as RotationRetryOptions;
    this.retry = { ...ROTATION_RETRY_DEFAULTS, ...given };
    if (!Number.isInteger(this.retry.maxAttempts) || this.retry.maxAttempts < 1) throw new Error('rotationRetry.maxAttempts must be a whole number of at least 1');
    if (!(this.retry.initialBackoffMs >= 0) || !(this.retry.maxBackoffMs >= 0)) throw new Error('rotationRetry back-off delays must be 0 or more milliseconds');
  }

  canInvoke(lambdaArn: string): boolean {
    return this.options.registry.has(lambdaArn);
  }

  /** True while an attempt of a rotation of `arn` runs. */
  isRunning(arn: string): boolean {
    return this.running.has(arn);
  }

  /** True while an attempt runs or the next attempt of a failed rotation is scheduled. */
  isActive(arn: string): boolean {
    return this.running.has(arn) || this.series.get(arn)?.timer !== undefined;
  }

  start(arn: string, lambdaArn: string, versionId: string, mode: 'full' | 'test'): void {
    this.dropSeries(arn);
    const s: Series = { lambdaArn, versionId, mode, attempt: 1 };
    this.series.set(arn, s);
    this.launch(arn, s);
  }

  /**
   * RotateSecret with the token of the unfinished rotation: run it again now (a new series of
   * attempts). Nothing happens while an attempt of that rotation is running.
   */
  resume(arn: string, lambdaArn: string, versionId: string): void {
    const run = this.running.get(arn);
    if (run && run.versionId === versionId && !run.cancelled) return;
    this.start(arn, lambdaArn, versionId, 'full');
  }

  cancel(arn: string): void {
    const run = this.running.get(arn);
    if (run) run.cancelled = true;
    this.dropSeries(arn);
  }

  private dropSeries(arn: string): void {
    const s = this.series.get(arn);
    if (s?.timer) clearTimeout(s.timer);
    this.series.delete(arn);
  }

  private launch(arn: string, s: Series): void {
    s.timer = undefined;
    const run: Running = { versionId: s.versionId, cancelled: false, done: undefined as unknown as Promise<RotationOutcome> };
    // Steps begin on a later turn of the event loop, after the RotateSecret response is sent.
    run.done = new Promise<void>((r) => setImmediate(r))
      .then(() => this.execute(arn, s, run))
      .then((outcome) => this.afterAttempt(arn, s, run, outcome));
    this.running.set(arn, run);
  }

  private afterAttempt(arn: string, s: Series, run: Running, outcome: RotationOutcome): RotationOutcome {
    if (this.running.get(arn) === run) this.running.delete(arn);
    const current = this.series.get(arn) === s;
    if (outcome.status === 'failed' && s.mode === 'full' && current && !run.cancelled && !this.stopped && s.attempt < this.retry.maxAttempts && this.stillPending(arn, s.versionId)) {
      const delay = backoffMs(this.retry, s.attempt);
      // The back-off counts from the end of the failed attempt, so the reported time is exact.
      outcome.nextAttemptAt = new Date(outcome.finishedAt.getTime() + delay);
      s.timer = setTimeout(() => {
        if (this.series.get(arn) !== s || this.stopped) return;
        if (!this.stillPending(arn, s.versionId)) {
          this.series.delete(arn);
          return;
        }
        s.attempt += 1;
        this.launch(arn, s);
      }, Math.max(0, outcome.nextAttemptAt.getTime() - this.clock()));
      this.options.log(`rotation ${outcome.name} ${s.versionId}: attempt ${s.attempt + 1} of ${this.retry.maxAttempts} in ${delay} ms`);
    } else if (current) {
      this.series.delete(arn);
    }
    this.last.set(arn, outcome);
    const list = this.waiters.get(arn) ?? [];
    const keep = list.filter((w) => {
      if (w.settled && outcome.nextAttemptAt !== undefined) return true;
      w.resolve(outcome);
      return false;
    });
    if (keep.length > 0) this.waiters.set(arn, keep);
    else this.waiters.delete(arn);
    return outcome;
  }

  /** The version still holds AWSPENDING without AWSCURRENT, and rotation was not turned off. */
  private stillPending(arn: string, versionId: string): boolean {
    const secret = this.options.repository.peek(arn) as SecretRecord | undefined;
    if (!secret || secret.deletedDate !== undefined || secret.rotationEnabled === false) return false;
    const v = findVersion(secret, versionId);
    return v !== undefined && v.stages.includes(AWSPENDING) && !v.stages.includes(AWSCURRENT);
  }

  private async execute(arn: string, s: Series, run: Running): Promise<RotationOutcome> {
    const { lambdaArn, versionId, mode, attempt } = s;
    const startedAt = new Date(this.clock());
    const name = this.options.repository.find(arn)?.name ?? arn;
    const completedSteps: RotationStep[] = [];
    const finish = (status: RotationOutcome['status'], failedStep?: RotationStep, error?: Error): RotationOutcome => {
      const outcome: RotationOutcome = { secretId: arn, name, versionId, mode, status, attempt, completedSteps, startedAt, finishedAt: new Date(this.clock()) };
      if (failedStep) outcome.failedStep = failedStep;
      if (error) outcome.error = error;
      this.options.log(`rotation ${name} ${versionId} ${mode} attempt ${attempt} ${status}${failedStep ? ` at ${failedStep} (${error?.name ?? 'Error'})` : ''}`);
      return outcome;
    };
    let outcome: RotationOutcome | undefined;
    try {
      const handler = await this.options.registry.resolve(lambdaArn);
      for (const step of mode === 'full' ? FULL : (['testSecret'] as RotationStep[])) {
        if (run.cancelled || this.stopped) {
          outcome = finish('cancelled');
          break;
        }
        try {
          await handler({ SecretId: arn, ClientRequestToken: versionId, Step: step });
        } catch (e) {
          outcome = finish('failed', step, e instanceof Error ? e : new Error(String(e)));
          break;
        }
        completedSteps.push(step);
      }
    } catch (e) {
      outcome = finish('failed', mode === 'full' ? 'createSecret' : 'testSecret', e instanceof Error ? e : new Error(String(e)));
    }
    outcome ??= finish('succeeded');
    if (!this.stopped) this.record(arn, versionId, mode, outcome);
    return outcome;
  }

  /** Rotation bookkeeping on the secret: LastRotatedDate/NextRotationDate, test version clean-up. */
  private record(arn: string, versionId: string, mode: 'full' | 'test', outcome: RotationOutcome): void {
    const secret: SecretRecord | undefined = this.options.repository.find(arn);
    if (!secret) return;
    const now = this.clock();
    if (mode === 'test') {
      // RotateImmediately=false: the test version is removed again.
      const v = findVersion(secret, versionId);
      if (v) v.stages = v.stages.filter((s) => s !== AWSPENDING);
    } else if (outcome.status === 'succeeded') {
      secret.lastRotated = now;
      if (secret.rotationRules) {
        const next = nextRotationDate(secret.rotationRules, now, this.options.rotationTimeScale);
        if (next !== undefined) secret.nextRotation = next;
      }
    } else {
      return;
    }
    this.options.repository.save(secret);
  }

  /**
   * The outcome of the running attempt of `arn`; with none running, the last finished one; with
   * none at all, the next one to finish. With `settled`, the first outcome after which no further
   * attempt is scheduled (success, cancellation, or a failure with the attempts used up).
   */
  wait(arn: string, timeoutMs: number, settled = false): Promise<RotationOutcome> {
    const run = this.running.get(arn);
    const last = this.last.get(arn);
    let immediate: Promise<RotationOutcome> | undefined;
    if (!settled) immediate = run ? run.done : last ? Promise.resolve(last) : undefined;
    else if (!this.isActive(arn) && last) immediate = Promise.resolve(last);
    const waiting =
      immediate ??
      new Promise<RotationOutcome>((resolve) => {
        const list = this.waiters.get(arn) ?? [];
        list.push({ resolve, settled });
        this.waiters.set(arn, list);
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no rotation of ${arn} ${settled ? 'settled' : 'finished'} within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([waiting, timeout]).finally(() => clearTimeout(timer));
  }

  /** Cancels running rotations and clears every scheduled retry. */
  stop(): void {
    this.stopped = true;
    for (const r of this.running.values()) r.cancelled = true;
    for (const arn of [...this.series.keys()]) this.dropSeries(arn);
  }
}
