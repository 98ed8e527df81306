/** A tag as Secrets Manager stores it (keys are case-sensitive). */
export interface Tag {
  Key: string;
  Value: string;
}

/** Rotation schedule as given to RotateSecret. */
export interface RotationRules {
  AutomaticallyAfterDays?: number;
  Duration?: string;
  ScheduleExpression?: string;
}

/** One immutable version of a secret. Times are epoch milliseconds. */
export interface VersionRecord {
  id: string;
  created: number;
  /** Staging labels; empty means deprecated. */
  stages: string[];
  /** The value (at most one of the two); neither for the empty AWSPENDING version RotateSecret creates. */
  string?: string;
  /** Binary value as base64. */
  binary?: string;
  lastAccessed?: number;
}

/** A secret and all its versions (oldest first). Times are epoch milliseconds. */
export interface SecretRecord {
  arn: string;
  name: string;
  description?: string;
  kmsKeyId?: string;
  type?: string;
  tags: Tag[];
  created: number;
  lastChanged: number;
  lastAccessed?: number;
  /** When deletion was requested (DescribeSecret's DeletedDate). */
  deletedDate?: number;
  /** When the scheduled deletion takes effect. */
  deletionDate?: number;
  rotationEnabled?: boolean;
  rotationLambdaArn?: string;
  rotationRules?: RotationRules;
  lastRotated?: number;
  nextRotation?: number;
  versions: VersionRecord[];
  /** The resource-based policy document (JSON text), when one is attached. */
  resourcePolicy?: string;
  /**
   * Region of the primary secret: on a replica, the region it is replicated from (the replica is
   * read-only); on a primary with replicas, its own region.
   */
  primaryRegion?: string;
  /** On a primary: the regions it is replicated to. */
  replicas?: ReplicaRecord[];
}

/** One replica of a primary secret. */
export interface ReplicaRecord {
  region: string;
  kmsKeyId?: string;
  status: 'InSync' | 'Failed' | 'InProgress';
  statusMessage?: string;
}

export const AWSCURRENT = 'AWSCURRENT';
export const AWSPREVIOUS = 'AWSPREVIOUS';
export const AWSPENDING = 'AWSPENDING';

/**
 * Deep copy of a record. Written out member by member: it runs twice per write, and on a secret
 * with thousands of versions a generic structured clone dominated the cost of a write.
 */
export function cloneSecret(secret: SecretRecord): SecretRecord {
  const copy: SecretRecord = { ...secret, tags: secret.tags.map((t) => ({ ...t })), versions: secret.versions.map((v) => ({ ...v, stages: [...v.stages] })) };
  if (secret.rotationRules) copy.rotationRules = { ...secret.rotationRules };
  if (secret.replicas) copy.replicas = secret.replicas.map((r) => ({ ...r }));
  return copy;
}
