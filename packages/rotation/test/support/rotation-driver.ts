// Drives a rotation step by step against the emulator: RotateSecret starts it as Secrets Manager does,
// and the test calls the rotation function's four steps itself.
import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  RotateSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { RotationHandler, RotationLogger, RotationStep } from '@keyturn/rotation';

export const STEPS: RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];

export async function stages(client: SecretsManagerClient, secretId: string): Promise<Record<string, string[]>> {
  return (await client.send(new DescribeSecretCommand({ SecretId: secretId }))).VersionIdsToStages ?? {};
}

const holder = (v: Record<string, string[]>, stage: string) => Object.entries(v).find(([, s]) => s.includes(stage))?.[0];

/** The rotation function the emulator invokes: it fails at once, so the test runs the steps itself. */
export const MANUAL_STEPS_FN = 'arn:aws:lambda:us-east-1:123456789012:function:steps-run-by-the-test';

/** Emulator options for step-by-step rotations: the function above, and no retries of its failed attempt. */
export const manualRotation = {
  rotationHandlers: {
    [MANUAL_STEPS_FN]: async () => {
      throw new Error('the test runs the rotation steps itself');
    },
  },
  rotationRetry: { maxAttempts: 1 },
};

/**
 * Secrets Manager's part of RotateSecret: the real call (refused while a rotation is unfinished),
 * which leaves AWSCURRENT and AWSPREVIOUS where they are and AWSPENDING on a new, empty version.
 */
export async function beginRotation(client: SecretsManagerClient, secretId: string, token: string = randomUUID()): Promise<string> {
  const current = holder(await stages(client, secretId), 'AWSCURRENT')!;
  await client.send(new RotateSecretCommand({ SecretId: secretId, ClientRequestToken: token, RotationLambdaARN: MANUAL_STEPS_FN, RotationRules: { AutomaticallyAfterDays: 30 } }));
  const after = await stages(client, secretId);
  if (holder(after, 'AWSCURRENT') !== current || holder(after, 'AWSPENDING') !== token) throw new Error(`unexpected labels ${JSON.stringify(after)}`);
  return token;
}

/** Calls the four steps in order; with `twice`, every step runs two times in a row. */
export async function runSteps(handler: RotationHandler, secretId: string, token: string, opts: { twice?: boolean; steps?: RotationStep[] } = {}): Promise<void> {
  for (const Step of opts.steps ?? STEPS) {
    await handler({ SecretId: secretId, ClientRequestToken: token, Step });
    if (opts.twice) await handler({ SecretId: secretId, ClientRequestToken: token, Step });
  }
}

/** A full rotation: begin + four steps. Returns the new version id. */
export async function rotate(client: SecretsManagerClient, handler: RotationHandler, secretId: string, opts: { twice?: boolean } = {}): Promise<string> {
  const token = await beginRotation(client, secretId);
  await runSteps(handler, secretId, token, opts);
  return token;
}

export async function secretJson(client: SecretsManagerClient, secretId: string, select: { VersionStage?: string; VersionId?: string } = {}): Promise<Record<string, any>> {
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...select }));
  return JSON.parse(out.SecretString!);
}

/** A logger that keeps every line (message + context) for the canary checks. */
export function recordingLogger(): RotationLogger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (message: string, context?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${JSON.stringify(context ?? {})}`);
  };
  return { lines, log: rec('log'), warn: rec('warn'), error: rec('error') };
}

/** Every printable form of an error, cause chain included. */
export function printable(error: unknown): string {
  const e = error as Error;
  return [String(e), e?.stack ?? '', inspect(e, { depth: 10, showHidden: true }), JSON.stringify(e), JSON.stringify(e, Object.getOwnPropertyNames(e ?? {}))].join('\n');
}

/** Runs `fn`, expects it to fail, returns the error. */
export async function failure(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}
