import { AWSPENDING, type SecretRecord } from '../model/secret-record.js';
import type { SecretRepository } from '../model/secret-repository.js';
import { findVersion } from '../model/staging-labels.js';
import type { RotationHandlerRegistry } from './rotation-handler-registry.js';
import { nextRotationDate } from './rotation-schedule.js';
import type { RotationController, RotationOutcome, RotationStep } from './rotation.types.js';

interface Running {
  cancelled: boolean;
  done: Promise<RotationOutcome>;
}

const FULL: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

/** Options of the rotation runner. */
export interface RotationRunnerOptions {
  repository: SecretRepository;
  registry: RotationHandlerRegistry;
  rotationTimeScale?: number;
  log: (msg: string) => void;
  clock?: () => number;
}

/**
 * Runs rotation functions the way Secrets Manager does: after RotateSecret has answered, the
 * handler is called with createSecret, setSecret, testSecret and finishSecret in turn; the
 * first failing step ends the rotation and leaves AWSPENDING where it is.
 */
export class RotationRunner implements RotationController {
  private readonly running = new Map<string, Running>();
  private readonly last = new Map<string, RotationOutcome>();
  private readonly waiters = new Map<string, ((o: RotationOutcome) => void)[]>();
  private readonly clock: () => number;
  private stopped = false;

  constructor(private readonly options: RotationRunnerOptions) {
    this.clock = options.clock ?? Date.now;
  }

  canInvoke(lambdaArn: string): boolean {
    return this.options.registry.has(lambdaArn);
  }

  isRunning(arn: string): boolean {
    return this.running.has(arn);
  }

  start(arn: string, lambdaArn: string, versionId: string, mode: 'full' | 'test'): void {
    const run: Running = { cancelled: false, done: undefined as unknown as Promise<RotationOutcome> };
    // Steps begin on a later turn of the event loop, after the RotateSecret response is sent.
    run.done = new Promise<void>((r) => setImmediate(r)).then(() => this.execute(arn, lambdaArn, versionId, mode, run));
    this.running.set(arn, run);
    void run.done.then((outcome) => {
      if (this.running.get(arn) === run) this.running.delete(arn);
      this.last.set(arn, outcome);
      for (const w of this.waiters.get(arn) ?? []) w(outcome);
      this.waiters.delete(arn);
    });
  }

  cancel(arn: string): void {
    const run = this.running.get(arn);
    if (run) run.cancelled = true;
  }

  private async execute(arn: string, lambdaArn: string, versionId: string, mode: 'full' | 'test', run: Running): Promise<RotationOutcome> {
    const startedAt = new Date(this.clock());
    const name = this.options.repository.find(arn)?.name ?? arn;
    const completedSteps: RotationStep[] = [];
    const finish = (status: RotationOutcome['status'], failedStep?: RotationStep, error?: Error): RotationOutcome => {
      const outcome: RotationOutcome = { secretId: arn, name, versionId, mode, status, completedSteps, startedAt, finishedAt: new Date(this.clock()) };
      if (failedStep) outcome.failedStep = failedStep;
      if (error) outcome.error = error;
      this.options.log(`rotation ${name} ${versionId} ${mode} ${status}${failedStep ? ` at ${failedStep} (${error?.name ?? 'Error'})` : ''}`);
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
   * The outcome of the running rotation of `arn`; with none running, the last finished one;
   * with none at all, the next one to finish.
   */
  wait(arn: string, timeoutMs: number): Promise<RotationOutcome> {
    const run = this.running.get(arn);
    const immediate = run ? run.done : this.last.has(arn) ? Promise.resolve(this.last.get(arn)!) : undefined;
    const waiting =
      immediate ??
      new Promise<RotationOutcome>((resolve) => {
        const list = this.waiters.get(arn) ?? [];
        list.push(resolve);
        this.waiters.set(arn, list);
      });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no rotation of ${arn} finished within ${timeoutMs} ms`)), timeoutMs);
    });
    return Promise.race([waiting, timeout]).finally(() => clearTimeout(timer));
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.running.values()) r.cancelled = true;
  }
}
