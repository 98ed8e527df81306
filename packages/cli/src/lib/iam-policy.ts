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
  const kms = (sid: string, actions: string[]): PolicyDocument['Statement'][number] => ({
    Sid: sid,
    Effect: 'Allow',
    Action: one(actions),
    Resource: opts.kmsKeyArn as string,
    Condition: { StringEquals: { 'kms:ViaService': one(via) } },
  });
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
