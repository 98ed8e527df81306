import { Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { KeyturnSecrets } from '@keyturn/cdk';

/** Props of {@link ApiSecretsStack}. */
export interface ApiSecretsStackProps extends StackProps {
  /** `{app}` of the secret names. @default 'payments' */
  readonly app?: string;
  /** `{env}` of the secret names. @default 'prod' */
  readonly environment?: string;
  /** Regions the secrets are replicated to. @default ['eu-central-1'] */
  readonly replicaRegions?: readonly string[];
}

/**
 * The secrets of the sample API (apps/api: see its `SECRET_TEMPLATES`) with rotation, in a VPC
 * that stands for the one its database and cache run in: PostgreSQL with alternating users (the
 * superuser itself rotated as a single user), Redis ACL users, the JWT signing key as a random
 * key; the Stripe keys and the SMTP password come from their providers and are rotated by hand.
 * The API's task role gets read access, batch reads included.
 */
export class ApiSecretsStack extends Stack {
  readonly secrets: KeyturnSecrets;
  readonly taskRole: iam.Role;

  constructor(scope: Construct, id: string, props: ApiSecretsStackProps = {}) {
    super(scope, id, props);
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'data', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: { all: { trafficType: ec2.FlowLogTrafficType.ALL } },
    });
    // Stand-ins for the database's and the cache's security groups (an RDS instance and an
    // ElastiCache cluster would pass their own `connections`).
    const database = new ec2.SecurityGroup(this, 'DatabaseSecurityGroup', { vpc, description: 'PostgreSQL of the API', allowAllOutbound: false });
    const cache = new ec2.SecurityGroup(this, 'CacheSecurityGroup', { vpc, description: 'Redis of the API', allowAllOutbound: false });
    const key = new kms.Key(this, 'SecretsKey', { description: 'Encrypts the API secrets', enableKeyRotation: true });

    const pg = { engine: 'postgres', host: 'postgres.payments.internal', port: 5432, dbname: 'payments' };
    const redis = { host: 'redis.payments.internal', port: 6379 };
    this.secrets = new KeyturnSecrets(this, 'Secrets', {
      app: props.app ?? 'payments',
      env: props.environment ?? 'prod',
      encryptionKey: key,
      replicaRegions: props.replicaRegions ?? ['eu-central-1'],
      network: { vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, secretsManagerEndpoint: 'create' },
      secrets: {
        postgresMaster: {
          service: 'postgres',
          type: 'master-user',
          shape: { fields: { ...pg, username: 'postgres' }, generate: { key: 'password' } },
          rotation: { strategy: 'postgres-single-user', connectTo: database },
        },
        postgres: {
          service: 'postgres',
          type: 'app-user',
          shape: { fields: { ...pg, username: 'payments_app' }, generate: { key: 'password' } },
          rotation: { strategy: 'postgres-alternating-users', masterSecret: 'postgresMaster', connectTo: database },
        },
        redisMaster: {
          service: 'redis',
          type: 'master-user',
          shape: { fields: { ...redis, username: 'admin' }, generate: { key: 'password' } },
          rotation: { strategy: 'redis-acl-user', connectTo: cache },
        },
        redis: {
          service: 'redis',
          type: 'app-user',
          shape: { fields: { ...redis, username: 'payments' }, generate: { key: 'password' } },
          rotation: { strategy: 'redis-acl-user', masterSecret: 'redisMaster', connectTo: cache },
        },
        jwt: {
          service: 'jwt',
          type: 'signing-key',
          shape: { generate: { key: 'key', length: 64, excludePunctuation: true } },
          rotation: { strategy: 'random-key', keys: ['key'] },
        },
        stripeApiKey: {
          service: 'stripe',
          type: 'api-key',
          shape: { placeholders: ['secretKey'] },
          manualRotation: { reason: 'Issued by Stripe: rolled in the Stripe dashboard, then written with keyturn secrets update-value.' },
        },
        stripeWebhook: {
          service: 'stripe',
          type: 'webhook-secret',
          shape: { placeholders: ['webhookSecret'] },
          manualRotation: { reason: 'Issued by Stripe per webhook endpoint: rolled in the Stripe dashboard, then written with keyturn secrets update-value.' },
        },
        smtp: {
          service: 'smtp',
          type: 'credentials',
          shape: { fields: { host: 'smtp.example.com', port: 587, username: 'postmaster@example.com', from: 'Payments <no-reply@example.com>' }, placeholders: ['password'] },
          manualRotation: { reason: 'Issued by the SMTP relay provider: changed in its console, then written with keyturn secrets update-value.' },
        },
      },
    });
    this.taskRole = new iam.Role(this, 'ApiTaskRole', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'), description: 'The sample API' });
    // The API reads every secret except the superusers', which only the rotation functions use.
    this.secrets.grantRead(this.taskRole, { secrets: ['postgres', 'redis', 'jwt', 'stripeApiKey', 'stripeWebhook', 'smtp'] });
  }
}
