import { GetSecretValueCommand, RotateSecretCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EmulatorServer } from '@keyturn/emulator';
import type { SecretNames } from '../config/secret-names.js';
import { ROTATION_FUNCTIONS } from '../embedded/rotation-functions.js';

/** One rotation the demo and the tests perform. */
export interface RotationPlan {
  readonly label: string;
  readonly secretId: string;
  readonly lambdaArn: string;
}

/** Every kind of rotation of the sample, in the order the demo runs them. */
export function rotationPlans(names: SecretNames): RotationPlan[] {
  return [
    { label: 'PostgreSQL single user', secretId: names.postgres, lambdaArn: ROTATION_FUNCTIONS.postgresSingleUser },
    { label: 'Stripe webhook secret', secretId: names.stripeWebhook, lambdaArn: ROTATION_FUNCTIONS.stripeWebhookSecret },
    { label: 'Redis ACL user', secretId: names.redis, lambdaArn: ROTATION_FUNCTIONS.redisAclUser },
    { label: 'JWT signing key', secretId: names.jwt, lambdaArn: ROTATION_FUNCTIONS.jwtKey },
    { label: 'SMTP password', secretId: names.smtp, lambdaArn: ROTATION_FUNCTIONS.smtpPassword },
    { label: 'PostgreSQL alternating users', secretId: names.postgres, lambdaArn: ROTATION_FUNCTIONS.postgresAlternatingUsers },
    { label: 'Stripe API key', secretId: names.stripeApiKey, lambdaArn: ROTATION_FUNCTIONS.stripeApiKey },
  ];
}

/** Result of one rotation. */
export interface RotationResult {
  readonly plan: RotationPlan;
  readonly versionId: string;
  readonly durationMs: number;
}

/** Rotates one secret through the emulator's RotateSecret and waits until AWSCURRENT moved. */
export async function rotateNow(client: SecretsManagerClient, emulator: EmulatorServer, plan: RotationPlan): Promise<RotationResult> {
  const started = performance.now();
  const before = await client.send(new GetSecretValueCommand({ SecretId: plan.secretId }));
  const out = await client.send(
    new RotateSecretCommand({ SecretId: plan.secretId, RotationLambdaARN: plan.lambdaArn, RotateImmediately: true, RotationRules: { AutomaticallyAfterDays: 30 } }),
  );
  const outcome = await emulator.waitForRotation(plan.secretId, { timeoutMs: 60_000 });
  if (outcome.status !== 'succeeded') {
    throw new Error(`Rotation "${plan.label}" of ${plan.secretId} ${outcome.status} at ${outcome.failedStep ?? '?'}: ${outcome.error?.message ?? 'no detail'}`, { cause: outcome.error });
  }
  const after = await client.send(new GetSecretValueCommand({ SecretId: plan.secretId }));
  if (after.VersionId === before.VersionId) throw new Error(`Rotation "${plan.label}" of ${plan.secretId} finished but AWSCURRENT did not move`);
  return { plan, versionId: after.VersionId ?? out.VersionId ?? '?', durationMs: performance.now() - started };
}
