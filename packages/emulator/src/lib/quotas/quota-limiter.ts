/** Options of the AWS quotas mode. */
export interface QuotaOptions {
  /**
   * Multiplies every rate (and burst): 0.01 turns GetSecretValue's 10,000/s into 100/s, so
   * fleet-scale behaviour shows on one machine.
   * @default 1
   */
  scale?: number;
  /**
   * Rates per second by operation, replacing AWS's for those operations.
   * @example { GetSecretValue: 50 }
   */
  rates?: Record<string, number>;
}

/**
 * AWS's published request-rate quotas of Secrets Manager, per account and region. Operations
 * sharing a quota share one bucket (the key); rates are requests per second.
 */
export const AWS_QUOTAS: Readonly<Record<string, { bucket: string; rate: number }>> = {
  GetSecretValue: { bucket: 'GetSecretValue', rate: 10_000 },
  DescribeSecret: { bucket: 'DescribeSecret', rate: 40_000 },
  BatchGetSecretValue: { bucket: 'BatchGetSecretValue', rate: 100 },
  ListSecrets: { bucket: 'ListSecrets', rate: 100 },
  PutSecretValue: { bucket: 'writes', rate: 50 },
  UpdateSecret: { bucket: 'writes', rate: 50 },
  UpdateSecretVersionStage: { bucket: 'writes', rate: 50 },
  RemoveRegionsFromReplication: { bucket: 'writes', rate: 50 },
  ReplicateSecretToRegions: { bucket: 'writes', rate: 50 },
  StopReplicationToReplica: { bucket: 'writes', rate: 50 },
  CreateSecret: { bucket: 'CreateSecret', rate: 50 },
  DeleteSecret: { bucket: 'DeleteSecret', rate: 50 },
  RestoreSecret: { bucket: 'RestoreSecret', rate: 50 },
  RotateSecret: { bucket: 'rotation', rate: 50 },
  CancelRotateSecret: { bucket: 'rotation', rate: 50 },
  TagResource: { bucket: 'tags', rate: 50 },
  UntagResource: { bucket: 'tags', rate: 50 },
  PutResourcePolicy: { bucket: 'policies', rate: 50 },
  GetResourcePolicy: { bucket: 'policies', rate: 50 },
  DeleteResourcePolicy: { bucket: 'policies', rate: 50 },
  ValidateResourcePolicy: { bucket: 'policies', rate: 50 },
  ListSecretVersionIds: { bucket: 'ListSecretVersionIds', rate: 50 },
  GetRandomPassword: { bucket: 'GetRandomPassword', rate: 50 },
};

interface Bucket {
  tokens: number;
  updated: number;
  rate: number;
}

/**
 * Token buckets with AWS's rates: each holds up to one second of requests and refills
 * continuously; a request that finds it empty is throttled.
 */
export class QuotaLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly scale: number;

  constructor(
    private readonly options: QuotaOptions = {},
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0)) throw new Error('quotas.scale must be a positive number');
  }

  /** The rate per second applied to an operation (after scaling). */
  rateOf(operation: string): number {
    const q = AWS_QUOTAS[operation];
    return (this.options.rates?.[operation] ?? q?.rate ?? 50) * this.scale;
  }

  /** Takes a token for one request; false when the quota is exhausted (ThrottlingException). */
  take(operation: string, region: string): boolean {
    const bucketName = this.options.rates?.[operation] !== undefined ? operation : (AWS_QUOTAS[operation]?.bucket ?? operation);
    const key = `${region}\n${bucketName}`;
    const now = this.clock();
    const rate = this.rateOf(operation);
    const burst = Math.max(1, rate);
    let b = this.buckets.get(key);
    if (!b) {
      b = { tokens: burst, updated: now, rate };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(burst, b.tokens + ((now - b.updated) / 1000) * rate);
    b.updated = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
