import { AWSCURRENT, AWSPENDING, type RotationRules } from '../model/secret-record.js';
import type { SecretRepository } from '../model/secret-repository.js';
import { holderOf } from '../model/staging-labels.js';
import type { RotationRunner } from './rotation-runner.js';

/** Options of the scheduled-rotation timer. */
export interface RotationSchedulerOptions {
  repository: SecretRepository;
  runner: RotationRunner;
  /**
   * Starts a rotation as RotateSecret does (with the stored configuration); with `token`, runs
   * the unfinished rotation of that AWSPENDING version again.
   */
  rotate: (arn: string, token?: string) => void;
  log: (msg: string) => void;
  /**
   * Length of the rotation window of a secret's schedule, already divided by the time scale. A
   * window that closed before the scheduler started (the emulator was stopped meanwhile) is
   * skipped with `skip` instead of rotating late; while running, a due rotation starts at the
   * first tick after its window opens.
   */
  windowMs?: (rules: RotationRules) => number;
  /** Moves NextRotationDate of a secret whose window passed to the next window. */
  skip?: (arn: string) => void;
  /** @default 250 */
  tickMs?: number;
  clock?: () => number;
}

/**
 * Starts due rotations (RotationEnabled and NextRotationDate reached) on an internal timer.
 * Only runs when a rotation time scale is configured; cleared on stop.
 */
export class RotationScheduler {
  private timer: NodeJS.Timeout | undefined;
  private readonly attempted = new Map<string, number>();
  private startedAt: number | undefined;

  constructor(private readonly options: RotationSchedulerOptions) {}

  start(): void {
    if (this.timer) return;
    this.startedAt = (this.options.clock ?? Date.now)();
    this.timer = setInterval(() => this.tick(), this.options.tickMs ?? 250);
    this.timer.unref();
  }

  tick(): void {
    const now = (this.options.clock ?? Date.now)();
    for (const s of this.options.repository.list()) {
      if (!s.rotationEnabled || s.deletedDate !== undefined || s.nextRotation === undefined || s.nextRotation > now) continue;
      if (this.options.runner.isActive(s.arn)) continue;
      const pending = holderOf(s, AWSPENDING);
      // A failed rotation whose retries are used up is run again, with its own token, when the
      // next rotation is due (Secrets Manager retries it during the open rotation windows).
      const unfinished = pending && pending !== holderOf(s, AWSCURRENT) ? pending.id : undefined;
      if ((this.attempted.get(s.arn) ?? 0) >= s.nextRotation) continue;
      if (!unfinished && s.rotationRules && this.options.windowMs && this.options.skip && s.nextRotation + this.options.windowMs(s.rotationRules) < (this.startedAt ?? now)) {
        this.options.log(`scheduled rotation of ${s.name} skipped: its rotation window closed before it could start`);
        this.options.skip(s.arn);
        continue;
      }
      this.attempted.set(s.arn, s.nextRotation);
      try {
        this.options.rotate(s.arn, unfinished);
      } catch (e) {
        this.options.log(`scheduled rotation of ${s.name} not started: ${(e as Error).name}`);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
