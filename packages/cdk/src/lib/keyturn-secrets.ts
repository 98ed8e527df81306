import { Duration, RemovalPolicy, SecretValue, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { KeyturnSecretsProps, ReadGrantOptions, RotationStrategy, SecretDeclaration, SecretRotationOptions } from './keyturn-secrets.types.js';
import { rotationBundleDir } from './rotation-code.js';
import { DEFAULT_NAME_TEMPLATE, secretName } from './secret-name.js';

/** Characters the generated values never contain (the rotation functions' default too). */
const DEFAULT_EXCLUDE = ':/@"\'\\';
/** Field names that hold credentials: never written literally into a template. */
const CREDENTIAL_KEY = /pass(word)?|secret|token|private|api[-_]?key|credential/i;
const NETWORK_STRATEGIES: ReadonlySet<RotationStrategy> = new Set(['postgres-single-user', 'postgres-alternating-users', 'redis-acl-user']);
const DEFAULT_PORT: Partial<Record<RotationStrategy, number>> = { 'postgres-single-user': 5432, 'postgres-alternating-users': 5432, 'redis-acl-user': 6379 };

/**
 * Reasons recorded with the cdk-nag findings this construct acknowledges on its own resources,
 * so that each acknowledgement says why in the synthesized metadata.
 */
export const ACKNOWLEDGEMENT_REASONS = {
  rotationWildcards:
    'secretsmanager:GetRandomPassword and the ec2 network-interface actions a Lambda function in a VPC needs have no resource-level permissions; every secret action is scoped to the rotated secret (and its master secret).',
  batchRead:
    'secretsmanager:BatchGetSecretValue has no resource-level permissions and must be granted on *; each secret in a batch is still authorised against GetSecretValue on its own ARN, which this policy scopes to the declared secrets.',
} as const;

/**
 * An application's Secrets Manager secrets, declared once: names from the
 * `{app}/{env}/{service}/{type}` template, JSON shape with generated credentials (no value in the
 * template), optional customer managed KMS key and replica regions, and rotation by the bundled
 * `@keyturn/rotation` functions (one per rotated secret, with its own log group, role and, for
 * PostgreSQL and Redis, security group and path to Secrets Manager) on a 30-day schedule.
 * `grantRead` gives the application's role what Keyturn reads, and nothing else.
 *
 * @example
 * const secrets = new KeyturnSecrets(this, 'Secrets', {
 *   app: 'payments', env: 'prod', encryptionKey: key, network: { vpc },
 *   secrets: {
 *     postgres: { service: 'postgres', type: 'app-user',
 *       shape: { fields: { engine: 'postgres', host: db.dbInstanceEndpointAddress, port: 5432, username: 'app', dbname: 'payments' }, generate: { key: 'password' } },
 *       rotation: { strategy: 'postgres-single-user', connectTo: db } },
 *     jwt: { service: 'jwt', type: 'signing-key', shape: { generate: { key: 'key', length: 64 } }, rotation: { strategy: 'random-key' } },
 *   },
 * });
 * secrets.grantRead(taskRole);
 */
export class KeyturnSecrets extends Construct {
  /** The secrets, by declared key. */
  readonly secrets: Readonly<Record<string, secretsmanager.Secret>>;
  /** The secret names, by declared key. */
  readonly secretNames: Readonly<Record<string, string>>;
  /** The rotation functions, by the declared key of the secret they rotate. */
  readonly rotationFunctions: Readonly<Record<string, lambda.Function>>;
  /** The Secrets Manager interface endpoint this construct created (`secretsManagerEndpoint: 'create'`). */
  readonly secretsManagerEndpoint?: ec2.InterfaceVpcEndpoint;

  private readonly props: KeyturnSecretsProps;
  private endpoint?: ec2.IInterfaceVpcEndpoint;
  private grants = 0;

  constructor(scope: Construct, id: string, props: KeyturnSecretsProps) {
    super(scope, id);
    this.props = props;
    const declared = Object.entries(props.secrets);
    if (declared.length === 0) throw new Error(`KeyturnSecrets ${this.node.path}: declare at least one secret.`);
    const template = props.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
    const names: Record<string, string> = {};
    for (const [key, decl] of declared) {
      names[key] = decl.name ?? secretName(template, { app: props.app, env: props.env, service: decl.service, type: decl.type });
    }
    const dup = Object.values(names).find((n, i, all) => all.indexOf(n) !== i);
    if (dup) throw new Error(`KeyturnSecrets ${this.node.path}: two secrets are named "${dup}".`);
    this.secretNames = names;

    // Masters first, so a secret can write its master's ARN into `masterarn`.
    const order = declared.sort(([, a], [, b]) => Number(typeof a.rotation?.masterSecret === 'string') - Number(typeof b.rotation?.masterSecret === 'string'));
    const secrets: Record<string, secretsmanager.Secret> = {};
    for (const [key, decl] of order) secrets[key] = this.createSecret(key, names[key], decl, secrets);
    this.secrets = secrets;

    if (props.network && declared.some(([, d]) => d.rotation && NETWORK_STRATEGIES.has(d.rotation.strategy))) {
      this.endpoint = this.endpointFor(props.network);
      this.secretsManagerEndpoint = this.endpoint instanceof ec2.InterfaceVpcEndpoint ? this.endpoint : undefined;
    }
    const functions: Record<string, lambda.Function> = {};
    for (const [key, decl] of declared) {
      if (decl.rotation) functions[key] = this.createRotation(key, decl, decl.rotation, secrets);
      else if (decl.manualRotation) {
        if (!decl.manualRotation.reason.trim()) throw new Error(`Secret "${names[key]}": manualRotation needs a reason.`);
        Validations.of(secrets[key]).acknowledge({ id: 'AwsSolutions-SMG4', reason: decl.manualRotation.reason });
      }
    }
    this.rotationFunctions = functions;
  }

  /** The secret declared under `key` (throws with the declared keys when there is none). */
  secret(key: string): secretsmanager.Secret {
    const s = this.secrets[key];
    if (!s) throw new Error(`KeyturnSecrets ${this.node.path} declares no secret "${key}" (declared: ${Object.keys(this.secrets).join(', ')}).`);
    return s;
  }

  /**
   * Lets `role` read the secrets the way Keyturn does: `DescribeSecret` and `GetSecretValue` on
   * each secret's ARN, `BatchGetSecretValue` (unless `batch: false`), and `kms:Decrypt` on the
   * customer managed key through Secrets Manager only. Creates one `AWS::IAM::Policy` attached
   * to the role and returns it.
   */
  grantRead(role: iam.IRole, options: ReadGrantOptions = {}): iam.Policy {
    const policy = new iam.Policy(this, `ReadPolicy${++this.grants}`, { roles: [role], statements: this.readStatements(options) });
    if (options.batch !== false) Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: ACKNOWLEDGEMENT_REASONS.batchRead });
    return policy;
  }

  /**
   * The same permissions as {@link grantRead} as a customer managed policy, for roles defined
   * elsewhere (attach it to the application's role or instance profile).
   */
  createReadPolicy(id: string, options: ReadGrantOptions = {}): iam.ManagedPolicy {
    const policy = new iam.ManagedPolicy(this, id, {
      description: `Read the ${this.props.app}/${this.props.env} secrets the way Keyturn does`,
      statements: this.readStatements(options),
    });
    if (options.batch !== false) Validations.of(policy).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: ACKNOWLEDGEMENT_REASONS.batchRead });
    return policy;
  }

  private readStatements(options: ReadGrantOptions): iam.PolicyStatement[] {
    const keys = options.secrets ?? Object.keys(this.secrets);
    if (keys.length === 0) throw new Error(`KeyturnSecrets ${this.node.path}: grant at least one secret.`);
    const arns = keys.map((k) => this.secret(k).secretFullArn ?? this.secret(k).secretArn);
    const statements = [
      new iam.PolicyStatement({ sid: 'ReadSecrets', actions: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], resources: arns }),
    ];
    if (options.batch !== false) {
      statements.push(new iam.PolicyStatement({ sid: 'BatchReadSecrets', actions: ['secretsmanager:BatchGetSecretValue'], resources: ['*'] }));
    }
    if (this.props.encryptionKey) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DecryptSecrets',
          actions: ['kms:Decrypt'],
          resources: [this.props.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    return statements;
  }

  private createSecret(key: string, name: string, decl: SecretDeclaration, created: Record<string, secretsmanager.Secret>): secretsmanager.Secret {
    const shape = decl.shape;
    const master = decl.rotation?.masterSecret;
    const masterArn = master === undefined ? undefined : typeof master === 'string' ? this.masterOf(key, master, created).secretArn : master.secretArn;
    if (decl.rotation?.strategy === 'postgres-alternating-users' && masterArn === undefined) {
      throw new Error(`Secret "${name}": postgres-alternating-users rotation needs masterSecret (the superuser secret).`);
    }
    for (const field of Object.keys(shape?.fields ?? {})) {
      if (CREDENTIAL_KEY.test(field)) throw new Error(`Secret "${name}": "${field}" looks like a credential; declare it in shape.generate or shape.placeholders, never as a literal field.`);
    }
    const json = shape || masterArn ? { ...(shape?.fields ?? {}), ...Object.fromEntries((shape?.placeholders ?? []).map((k) => [k, ''])), ...(masterArn ? { masterarn: masterArn } : {}) } : undefined;
    const generate = shape?.generate;
    if (generate && json && generate.key in json) throw new Error(`Secret "${name}": "${generate.key}" is both generated and declared as a field or placeholder.`);
    const replicaRegions = this.props.replicaRegions?.map((r) => (typeof r === 'string' ? { region: r } : r));

    let value: Pick<secretsmanager.SecretProps, 'generateSecretString' | 'secretStringValue'>;
    if (json && !generate) {
      // Fields and empty placeholders only (credential-looking fields were refused above), so the
      // literal holds no secret value.
      value = { secretStringValue: SecretValue.unsafePlainText(Stack.of(this).toJsonString(json)) };
    } else {
      value = {
        generateSecretString: {
          passwordLength: generate?.length ?? 32,
          excludeCharacters: generate?.excludeCharacters ?? DEFAULT_EXCLUDE,
          excludePunctuation: generate?.excludePunctuation,
          ...(json && generate ? { secretStringTemplate: Stack.of(this).toJsonString(json), generateStringKey: generate.key } : {}),
        },
      };
    }
    const secret = new secretsmanager.Secret(this, key, {
      secretName: name,
      description: decl.description ?? `${name} (${this.props.app}, ${this.props.env}), managed by Keyturn`,
      encryptionKey: this.props.encryptionKey,
      replicaRegions,
      removalPolicy: this.props.removalPolicy ?? RemovalPolicy.RETAIN,
      ...value,
    });
    return secret;
  }

  private masterOf(key: string, master: string, created: Record<string, secretsmanager.Secret>): secretsmanager.Secret {
    if (master === key) throw new Error(`Secret "${key}" names itself as its masterSecret.`);
    const m = created[master];
    if (!m) throw new Error(`Secret "${key}": masterSecret "${master}" is not a declared secret (declared: ${Object.keys(this.props.secrets).join(', ')}).`);
    return m;
  }

  private endpointFor(network: NonNullable<KeyturnSecretsProps['network']>): ec2.IInterfaceVpcEndpoint | undefined {
    const choice = network.secretsManagerEndpoint ?? 'create';
    if (choice === 'nat') return undefined;
    if (choice !== 'create') return choice;
    return new ec2.InterfaceVpcEndpoint(this, 'SecretsManagerEndpoint', {
      vpc: network.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      subnets: network.vpcSubnets,
      privateDnsEnabled: true,
      // Only the rotation functions are let in (below), not the whole VPC.
      open: false,
    });
  }

  private createRotation(key: string, decl: SecretDeclaration, rotation: SecretRotationOptions, secrets: Record<string, secretsmanager.Secret>): lambda.Function {
    const secret = secrets[key];
    const name = this.secretNames[key];
    const scope = new Construct(this, `${key}Rotation`);
    const strategy = rotation.strategy;
    const network = NETWORK_STRATEGIES.has(strategy) ? this.props.network : undefined;
    if (NETWORK_STRATEGIES.has(strategy) && !network) {
      throw new Error(`Secret "${name}": the ${strategy} rotation connects to the server; pass network: { vpc } (and connectTo) to KeyturnSecrets.`);
    }

    const role = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Rotates ${name} (${strategy})`,
    });
    const logGroup = new logs.LogGroup(scope, 'Logs', { retention: this.props.logRetention ?? logs.RetentionDays.ONE_YEAR });
    logGroup.grantWrite(role);

    let securityGroup: ec2.SecurityGroup | undefined;
    if (network) {
      securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
        vpc: network.vpc,
        description: `Rotation of ${name}: to the server and Secrets Manager only`,
        allowAllOutbound: false,
      });
      // A function in a VPC creates and removes its network interfaces itself.
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'VpcNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
          resources: ['*'],
        }),
      );
    }

    const environment: Record<string, string> = { ...this.strategyEnvironment(secret, decl, rotation), ...(rotation.environment ?? {}) };
    const fn = new lambda.Function(scope, 'Function', {
      description: `Keyturn ${strategy} rotation of ${name}`,
      runtime: this.props.runtime ?? lambda.Runtime.NODEJS_24_X,
      architecture: this.props.architecture ?? lambda.Architecture.ARM_64,
      handler: 'index.handler',
      code: this.props.rotationCode?.[strategy] ?? lambda.Code.fromAsset(rotationBundleDir(strategy)),
      role,
      logGroup,
      timeout: Duration.seconds(60),
      memorySize: 256,
      environment,
      vpc: network?.vpc,
      vpcSubnets: network ? network.vpcSubnets : undefined,
      securityGroups: securityGroup ? [securityGroup] : undefined,
    });
    if (network && securityGroup) {
      const port = ec2.Port.tcp(rotation.port ?? numberField(decl, 'port') ?? (DEFAULT_PORT[strategy] as number));
      if (rotation.connectTo) fn.connections.allowTo(rotation.connectTo, port, `Rotation of ${name}`);
      else securityGroup.addEgressRule(ec2.Peer.ipv4(network.vpc.vpcCidrBlock), port, `Rotation of ${name}: the server in this VPC`);
      if (this.endpoint) fn.connections.allowTo(this.endpoint, ec2.Port.tcp(443), `Rotation of ${name}: Secrets Manager endpoint`);
      else securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), `Rotation of ${name}: Secrets Manager through NAT`);
    }

    const master = rotation.masterSecret;
    if (master !== undefined) (typeof master === 'string' ? secrets[master] : master).grantRead(fn);
    // Adds DescribeSecret/GetSecretValue/PutSecretValue/UpdateSecretVersionStage on this secret,
    // GetRandomPassword, kms through Secrets Manager, and lets Secrets Manager invoke the function.
    secret.addRotationSchedule('Schedule', {
      rotationLambda: fn,
      automaticallyAfter: rotation.schedule ?? Duration.days(30),
      rotateImmediatelyOnUpdate: rotation.rotateImmediatelyOnUpdate ?? false,
    });
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: ACKNOWLEDGEMENT_REASONS.rotationWildcards });
    return fn;
  }

  private strategyEnvironment(secret: secretsmanager.Secret, decl: SecretDeclaration, rotation: SecretRotationOptions): Record<string, string> {
    const generate = decl.shape?.generate;
    const env: Record<string, string> = {};
    if (generate && rotation.strategy !== 'random-key') {
      env.PASSWORD_LENGTH = String(generate.length ?? 32);
      env.EXCLUDE_CHARACTERS = generate.excludeCharacters ?? DEFAULT_EXCLUDE;
      if (generate.excludePunctuation) env.EXCLUDE_PUNCTUATION = 'true';
    }
    switch (rotation.strategy) {
      case 'redis-acl-user': {
        env.SECRET_ARN = secret.secretArn;
        const user = decl.shape?.fields?.username;
        if (typeof user === 'string') env.USER_NAME = user;
        break;
      }
      case 'random-key': {
        const keys = rotation.keys ?? (generate && decl.shape ? [generate.key] : undefined);
        if (decl.shape && !keys) throw new Error(`Secret "${secret.node.id}": random-key rotation of a JSON secret needs rotation.keys or shape.generate.`);
        if (keys) env.KEY_NAMES = keys.join(',');
        if (rotation.encoding) env.KEY_ENCODING = rotation.encoding;
        if (rotation.length !== undefined) env.KEY_LENGTH = String(rotation.length);
        break;
      }
      default:
        break;
    }
    return env;
  }
}

function numberField(decl: SecretDeclaration, key: string): number | undefined {
  const v = decl.shape?.fields?.[key];
  return typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}
