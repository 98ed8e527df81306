import { UsageError } from './errors/usage-error.js';

/** Input of {@link buildIamPolicies}. */
export interface IamPolicyOptions {
  /** Secret names, name prefixes ending in `*`, or full ARNs. */
  secrets: readonly string[];
  /** Region of the secrets (ignored for ARNs). @example 'eu-west-1' */
  region?: string;
  /** 12-digit account id (ignored for ARNs). @example '123456789012' */
  account?: string;
  /** Customer managed KMS key ARN encrypting the secrets; adds kms:Decrypt with kms:ViaService. */
  kmsKeyArn?: string;
  /** Also build the rotation function's policy. @default false */
  rotation?: boolean;
  /** AWS partition. @default 'aws' */
  partition?: string;
  /**
   * Replica regions the application reads from when the primary fails (`replicaRegions` of
   * SecretsModule): a read statement per region with the secrets' replica ARNs, and kms:Decrypt per
   * region when a key is given. @example ['us-west-2']
   */
  replicaRegions?: readonly string[];
  /**
   * The KMS key of each replica region (a replica is encrypted with a key of its own region). Not
   * needed for a multi-region key (`mrk-`): its replica in each region has the same id.
   * @example { 'us-west-2': 'arn:aws:kms:us-west-2:123456789012:key/...' }
   */
  replicaKmsKeys?: Readonly<Record<string, string>>;
  /**
   * The application runs the fleet's elected watcher (`invalidation.watcher` of SecretsModule):
   * secretsmanager:ListSecrets, which has no resource-level permissions (Resource `*`).
   * @default false
   */
  watcher?: boolean;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: {
    Sid: string;
    Effect: 'Allow';
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

const ARN_RE = /^arn:([a-z-]+):secretsmanager:([a-z0-9-]+):(\d{12}):secret:(.+)$/;
const NAME_RE = /^[A-Za-z0-9/_+=.@-]+\*?$/;

/**
 * The resource ARN pattern for one secret: the full ARN as given, or
 * `arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????` (AWS appends a hyphen and six
 * random characters to every secret's ARN; `?` matches exactly one character, so
 * `app/db` does not also match `app/db-admin`). A name ending in `*` covers every secret with
 * that prefix (per-tenant secrets).
 */
export function secretArnPattern(secret: string, opts: Pick<IamPolicyOptions, 'region' | 'account' | 'partition'>): string {
  if (ARN_RE.test(secret)) return secret;
  if (!NAME_RE.test(secret)) throw new UsageError(`"${secret}" is not a secret name (letters, digits and /_+=.@-, optionally ending in *) or a secret ARN.`);
  if (!opts.region) throw new UsageError(`A region is needed to build the ARN of "${secret}": pass --region or set AWS_REGION (or give full ARNs).`);
  if (!opts.account || !/^\d{12}$/.test(opts.account)) {
    throw new UsageError(`A 12-digit account id is needed to build the ARN of "${secret}": pass --account <id> (aws sts get-caller-identity shows it), or give full ARNs.`);
  }
  const name = secret.endsWith('*') ? secret : `${secret}-??????`;
  return `arn:${opts.partition ?? 'aws'}:secretsmanager:${opts.region}:${opts.account}:secret:${name}`;
}

function regionOf(resources: readonly string[], fallback: string | undefined): string[] {
  const regions = new Set<string>();
  for (const r of resources) regions.add(ARN_RE.exec(r)?.[2] ?? fallback ?? '');
  return [...regions].filter(Boolean).sort();
}

/**
 * Least-privilege policies for an application that reads the given secrets and, optionally,
 * for their rotation function. Output is deterministic (sorted, fixed statement ids).
 */
export function buildIamPolicies(opts: IamPolicyOptions): { application: PolicyDocument; rotation?: PolicyDocument } {
  if (opts.secrets.length === 0) throw new UsageError('No secrets given: pass --secrets id1,id2 or a file listing them.');
  const resources = [...new Set(opts.secrets.map((s) => secretArnPattern(s.trim(), opts)))].sort();
  const one = (xs: string[]) => (xs.length === 1 ? xs[0] : xs);
  if (opts.kmsKeyArn !== undefined && !/^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(opts.kmsKeyArn)) {
    throw new UsageError(`--kms-key must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), got "${opts.kmsKeyArn}".`);
  }
  const via = regionOf(resources, opts.region).map((r) => `secretsmanager.${r}.amazonaws.com`);
  const kms = (sid: string, actions: string[], key = opts.kmsKeyArn as string, services = via): PolicyDocument['Statement'][number] => ({
    Sid: sid,
    Effect: 'Allow',
    Action: one(actions),
    Resource: key,
    Condition: { StringEquals: { 'kms:ViaService': one(services) } },
  });
  const replicas = replicaStatements(opts, resources, kms);
  const application: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: one(resources),
      },
      {
        // BatchGetSecretValue has no resource-level permissions; each secret in the batch is
        // still authorised against GetSecretValue above.
        Sid: 'BatchReadSecrets',
        Effect: 'Allow',
        Action: 'secretsmanager:BatchGetSecretValue',
        Resource: '*',
      },
      ...(opts.kmsKeyArn ? [kms('DecryptSecretsKey', ['kms:Decrypt'])] : []),
      ...replicas,
      ...(opts.watcher
        ? [
            {
              // The fleet watcher lists versions by name prefix; ListSecrets has no resource-level permissions.
              Sid: 'WatchSecretVersions',
              Effect: 'Allow' as const,
              Action: 'secretsmanager:ListSecrets',
              Resource: '*',
            },
          ]
        : []),
    ],
  };
  if (!opts.rotation) return { application };
  const rotation: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'RotateSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
        Resource: one(resources),
      },
      { Sid: 'GeneratePasswords', Effect: 'Allow', Action: 'secretsmanager:GetRandomPassword', Resource: '*' },
      ...(opts.kmsKeyArn ? [kms('EncryptSecretsKey', ['kms:Decrypt', 'kms:GenerateDataKey'])] : []),
    ],
  };
  return { application, rotation };
}

/** The same secret in another region: a replica keeps the name and the 6-character suffix. */
function inRegion(arnPattern: string, region: string): string {
  return arnPattern.replace(/^(arn:[a-z-]+:secretsmanager:)[a-z0-9-]+(:)/, `$1${region}$2`);
}

/** `eu-west-1` → `EuWest1` (statement ids are alphanumeric). */
const sidOf = (region: string) => region.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('');

/** Per replica region: reads of the replica ARNs and, with a key, kms:Decrypt in that region. */
function replicaStatements(
  opts: IamPolicyOptions,
  resources: readonly string[],
  kms: (sid: string, actions: string[], key?: string, services?: string[]) => PolicyDocument['Statement'][number],
): PolicyDocument['Statement'] {
  const regions = [...new Set(opts.replicaRegions ?? [])].sort();
  const statements: PolicyDocument['Statement'] = [];
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`--replica-regions: "${region}" is not a region name (e.g. us-west-2).`);
    if (region === opts.region) throw new UsageError(`--replica-regions: "${region}" is the primary region; list only the replica regions.`);
    const arns = [...new Set(resources.map((r) => inRegion(r, region)))].sort();
    statements.push({ Sid: `ReadReplicaSecrets${sidOf(region)}`, Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: arns.length === 1 ? arns[0] : arns });
    if (!opts.kmsKeyArn) continue;
    const key = opts.replicaKmsKeys?.[region] ?? (/:key\/mrk-/.test(opts.kmsKeyArn) ? opts.kmsKeyArn.replace(/^(arn:[a-z-]+:kms:)[a-z0-9-]+(:)/, `$1${region}$2`) : undefined);
    if (key !== undefined && !/^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:key\/.+$/.test(key)) throw new UsageError(`--replica-kms-key for ${region} must be a KMS key ARN (arn:aws:kms:${region}:<account>:key/<id>), got "${key}".`);
    if (!key) {
      throw new UsageError(`The replicas in ${region} are encrypted with a key of that region: pass --replica-kms-key ${region}=<key ARN> (not needed for a multi-region key, mrk-...).`);
    }
    statements.push(kms(`DecryptSecretsKey${sidOf(region)}`, ['kms:Decrypt'], key, [`secretsmanager.${region}.amazonaws.com`]));
  }
  return statements;
}
