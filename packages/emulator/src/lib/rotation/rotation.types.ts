/** The event a rotation function receives, once per step. */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

export type RotationStep = 'createSecret' | 'setSecret' | 'testSecret' | 'finishSecret';

/** A rotation function: the same contract as a Secrets Manager rotation Lambda. */
export type RotationHandler = (event: RotationEvent) => Promise<void>;

/** How a rotation ended. */
export interface RotationOutcome {
  /** The secret's ARN. */
  secretId: string;
  name: string;
  /** The AWSPENDING version the rotation built. */
  versionId: string;
  /** `full`: the four steps; `test`: testSecret only (RotateImmediately=false). */
  mode: 'full' | 'test';
  status: 'succeeded' | 'failed' | 'cancelled';
  /** Which attempt of this rotation (same token) this was, counting from 1. */
  attempt: number;
  /** Set on a failed attempt when the emulator will retry the rotation with the same token. */
  nextAttemptAt?: Date;
  /** Steps that completed. */
  completedSteps: RotationStep[];
  /** The step that failed. */
  failedStep?: RotationStep;
  /** The handler's error (its message is the handler's; the emulator adds no value to it). */
  error?: Error;
  startedAt: Date;
  finishedAt: Date;
}

/** What the API layer needs from the rotation machinery. */
export interface RotationController {
  /** True when a handler is registered for this Lambda ARN. */
  canInvoke(lambdaArn: string): boolean;
  /** Starts the steps asynchronously (after the current response). */
  start(arn: string, lambdaArn: string, versionId: string, mode: 'full' | 'test'): void;
  /**
   * Runs the unfinished rotation whose AWSPENDING version is `versionId` again (RotateSecret with
   * that version's token). Nothing happens while an attempt of it is running.
   */
  resume(arn: string, lambdaArn: string, versionId: string): void;
  /** True while an attempt runs or a retry of a failed rotation is scheduled. */
  isActive(arn: string): boolean;
  /** Stops a running rotation of this secret before its next step and drops scheduled retries. */
  cancel(arn: string): void;
}
