import { App, CfnOutput, DefaultStackSynthesizer, Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyturnSecrets } from './keyturn-secrets.js';
import type { GeneratedKeyOptions, RotationStrategy, SecretDeclaration } from './keyturn-secrets.types.js';
import { ROTATION_STRATEGIES } from './rotation-code.js';

/** A secret in a Keyturn infrastructure declaration file (JSON). */
export interface SecretFileEntry {
  readonly service?: string;
  readonly type?: string;
  readonly name?: string;
  readonly description?: string;
  readonly fields?: Record<string, string | number | boolean>;
  readonly placeholders?: string[];
  /** A key name, or the full options. */
  readonly generate?: string | GeneratedKeyOptions;
  readonly rotation?: {
    readonly strategy: RotationStrategy;
    /** @default 30 */
    readonly scheduleDays?: number;
    /** Key of another secret in the file, or a secret ARN. */
    readonly masterSecret?: string;
    /** Security group id of the database or cache (gets ingress from the function). */
    readonly securityGroupId?: string;
    readonly port?: number;
    readonly keys?: string[];
    readonly encoding?: 'base64url' | 'hex' | 'password';
    readonly length?: number;
  };
  readonly manualRotationReason?: string;
}

/**
 * The Keyturn infrastructure declaration file (`keyturn infra`): the application's secrets with
 * their shape and rotation, and where the rotation functions run.
 */
export interface InfraDeclaration {
  readonly app: string;
  readonly env: string;
  readonly nameTemplate?: string;
  readonly secrets: Record<string, SecretFileEntry>;
  /** `"create"` a key with yearly rotation, or the ARN of an existing key. */
  readonly kmsKey?: string;
  readonly replicaRegions?: string[];
  readonly network?: {
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly availabilityZones: string[];
    readonly subnetIds: string[];
    /** @default 'create' */
    readonly secretsManagerEndpoint?: 'create' | 'nat';
  };
}

const MIGRATED_REASON =
  'Migrated from a .env file by keyturn migrate-env; its rotation is not declared yet (add it in a keyturn infra declaration, or rotate with keyturn secrets rotate).';

function isMapping(v: Record<string, unknown>): boolean {
  const entries = Object.values(v);
  return entries.length > 0 && entries.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e) && Object.values(e).every((x) => typeof x === 'string'));
}

function logicalKey(name: string, taken: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^[^A-Za-z]+/, '') || 'Secret';
  let key = base;
  for (let i = 2; taken.has(key); i++) key = `${base}${i}`;
  taken.add(key);
  return key;
}

/**
 * Reads a declaration file's parsed JSON: either an {@link InfraDeclaration}, or the variable
 * mapping `keyturn migrate-env` writes (`{"<secret name>": {"<json key>": "<VARIABLE>"}}`), whose
 * secrets keep their names, get every key as an empty placeholder (a `password` key generated)
 * and are marked for manual rotation until a declaration says otherwise. Variable names are not
 * used; values are never read.
 */
export function parseDeclaration(json: unknown, defaults: { app?: string; env?: string } = {}): InfraDeclaration {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('expected a JSON object: a keyturn infra declaration or a migrate-env mapping file');
  const obj = json as Record<string, unknown>;
  if ('secrets' in obj) {
    const d = obj as unknown as InfraDeclaration;
    const app = d.app ?? defaults.app;
    const env = d.env ?? defaults.env;
    if (!app || !env) throw new Error('the declaration needs "app" and "env" (or pass --app and --env)');
    if (typeof d.secrets !== 'object' || d.secrets === null || Object.keys(d.secrets).length === 0) throw new Error('"secrets" must declare at least one secret');
    for (const [key, s] of Object.entries(d.secrets)) {
      if (s.rotation && !ROTATION_STRATEGIES.includes(s.rotation.strategy)) {
        throw new Error(`secret "${key}": rotation.strategy must be one of ${ROTATION_STRATEGIES.join(', ')}`);
      }
    }
    return { ...d, app, env };
  }
  if (!isMapping(obj)) throw new Error('expected {"secrets": {...}} (a keyturn infra declaration) or {"<secret name>": {"<key>": "<VARIABLE>"}} (a migrate-env mapping file)');
  const taken = new Set<string>();
  const secrets: Record<string, SecretFileEntry> = {};
  for (const [name, keys] of Object.entries(obj as Record<string, Record<string, string>>)) {
    const jsonKeys = Object.keys(keys).sort();
    const generated = jsonKeys.includes('password') ? 'password' : undefined;
    secrets[logicalKey(name, taken)] = {
      name,
      placeholders: jsonKeys.filter((k) => k !== generated),
      generate: generated,
      manualRotationReason: MIGRATED_REASON,
    };
  }
  const first = Object.keys(obj)[0].split('/');
  return { app: defaults.app ?? first[0], env: defaults.env ?? first[1] ?? 'default', secrets };
}

/** Options of {@link synthesizeDeclaration}. */
export interface SynthesizeOptions {
  /** @default 'keyturn-<app>-<env>-secrets' */
  readonly stackName?: string;
  /** Region of the stack. @default region-agnostic (`AWS::Region`) */
  readonly region?: string;
  /** Name of an existing role of the application; without it, a managed policy is created to attach. */
  readonly roleName?: string;
  /** Allow BatchGetSecretValue. @default true */
  readonly batch?: boolean;
  /** Bucket holding the rotation functions as `<prefix><strategy>.zip`; default: CDK assets (bootstrap bucket). */
  readonly codeBucket?: string;
  /** @default '' */
  readonly codePrefix?: string;
}

/** The synthesized stack. */
export interface SynthesizedTemplate {
  readonly stackName: string;
  readonly template: Record<string, unknown>;
  /** How many rotation functions take their code from CDK file assets (0 with `codeBucket`). */
  readonly assets: number;
}

/**
 * Synthesizes the CloudFormation template of a declaration through {@link KeyturnSecrets}.
 */
export function synthesizeDeclaration(decl: InfraDeclaration, options: SynthesizeOptions = {}): SynthesizedTemplate {
  const outdir = mkdtempSync(join(tmpdir(), 'keyturn-infra-'));
  try {
    const app = new App({ outdir });
    const stackName = options.stackName ?? `keyturn-${decl.app}-${decl.env}-secrets`.replace(/[^A-Za-z0-9-]/g, '-');
    const stack = new Stack(app, 'Secrets', {
      stackName,
      env: options.region ? { region: options.region } : undefined,
      description: `Secrets of ${decl.app} (${decl.env}), their rotation and read access (Keyturn)`,
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    });
    const encryptionKey =
      decl.kmsKey === undefined ? undefined : decl.kmsKey === 'create'
        ? new kms.Key(stack, 'SecretsKey', { description: `Encrypts the ${decl.app}/${decl.env} secrets`, enableKeyRotation: true })
        : kms.Key.fromKeyArn(stack, 'SecretsKey', decl.kmsKey);
    const network = decl.network
      ? {
          vpc: ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
            vpcId: decl.network.vpcId,
            vpcCidrBlock: decl.network.vpcCidr,
            availabilityZones: decl.network.availabilityZones,
            privateSubnetIds: decl.network.subnetIds,
          }),
          secretsManagerEndpoint: decl.network.secretsManagerEndpoint ?? 'create',
        }
      : undefined;
    const codeBucket = options.codeBucket ? s3.Bucket.fromBucketName(stack, 'RotationCode', options.codeBucket) : undefined;
    const rotationCode = codeBucket
      ? Object.fromEntries(ROTATION_STRATEGIES.map((s) => [s, lambda.Code.fromBucket(codeBucket, `${options.codePrefix ?? ''}${s}.zip`)]))
      : undefined;

    const secrets: Record<string, SecretDeclaration> = {};
    for (const [key, s] of Object.entries(decl.secrets)) {
      const r = s.rotation;
      const master = r?.masterSecret;
      secrets[key] = {
        service: s.service,
        type: s.type,
        name: s.name,
        description: s.description,
        shape: s.fields || s.placeholders || s.generate ? { fields: s.fields, placeholders: s.placeholders, generate: typeof s.generate === 'string' ? { key: s.generate } : s.generate } : undefined,
        rotation: r
          ? {
              strategy: r.strategy,
              schedule: r.scheduleDays === undefined ? undefined : Duration.days(r.scheduleDays),
              masterSecret: master === undefined ? undefined : master.startsWith('arn:') ? secretFromArn(stack, key, master) : master,
              connectTo: r.securityGroupId ? ec2.SecurityGroup.fromSecurityGroupId(stack, `${key}Server`, r.securityGroupId) : undefined,
              port: r.port,
              keys: r.keys,
              encoding: r.encoding,
              length: r.length,
            }
          : undefined,
        manualRotation: !r && s.manualRotationReason ? { reason: s.manualRotationReason } : undefined,
      };
    }
    const construct = new KeyturnSecrets(stack, 'Keyturn', {
      app: decl.app,
      env: decl.env,
      nameTemplate: decl.nameTemplate,
      secrets,
      encryptionKey,
      replicaRegions: decl.replicaRegions,
      network,
      rotationCode,
    });
    if (options.roleName) {
      construct.grantRead(iam.Role.fromRoleName(stack, 'ApplicationRole', options.roleName), { batch: options.batch });
    } else {
      const policy = construct.createReadPolicy('ReadPolicy', { batch: options.batch });
      new CfnOutput(stack, 'ReadPolicyArn', { value: policy.managedPolicyArn, description: "Attach to the application's role" });
    }
    Object.entries(construct.secrets).forEach(([key, secret]) => {
      new CfnOutput(stack, `${key}Arn`, { value: secret.secretArn, description: construct.secretNames[key] });
    });
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stackName);
    // Each rotation function's code is a file asset unless it comes from --code-bucket.
    const assets = rotationCode ? 0 : Object.keys(construct.rotationFunctions).length;
    return { stackName, template: artifact.template as Record<string, unknown>, assets };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function secretFromArn(stack: Stack, key: string, arn: string): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretCompleteArn(stack, `${key}Master`, arn);
}
