import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { KeyturnSecrets } from '@keyturn/cdk';
import { ApiSecretsStack } from '../examples/api-secrets.stack';

// The example stack of the sample API, synthesized for real and checked with cdk-nag's AWS
// Solutions pack, both as a validation plugin of the app (synthesis fails on a finding) and
// directly (the report lists every unacknowledged finding).
const ENV = { account: '123456789012', region: 'eu-west-1' };

function build() {
  const app = new App();
  const stack = new ApiSecretsStack(app, 'PaymentsSecrets', { env: ENV });
  return { app, stack };
}

it('has no unacknowledged AwsSolutions finding (errors or warnings)', () => {
  const { app } = build();
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  expect(report.violations.map((v) => `${v.ruleName} (${v.severity}) at ${v.violatingResources.map((r) => r.constructPath).join(', ')}: ${v.description}`)).toEqual([]);
  expect(report.success).toBe(true);
});

it('synthesizes with the AwsSolutions pack registered as a validation plugin, and records each acknowledgement with its reason', () => {
  const { app, stack } = build();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
  const assembly = app.synth();
  expect(assembly.getStackByName(stack.stackName).template.Resources).toBeDefined();
  const template = Template.fromStack(stack);
  const acknowledged = Object.values(template.toJSON().Resources as Record<string, { Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } } }>)
    .flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? [])
    // aws-cdk-lib acknowledges some of its own CloudFormation-Validate rules; ours are the AwsSolutions ones.
    .filter((a) => a.id.startsWith('AwsSolutions-'));
  expect(new Set(acknowledged.map((a) => a.id))).toEqual(new Set(['AwsSolutions-SMG4', 'AwsSolutions-IAM5[Resource::*]']));
  for (const a of acknowledged) expect(a.reason.length).toBeGreaterThan(40);
});

it('a secret without rotation or a reason for manual rotation is a finding (the check can fail)', () => {
  const app = new App();
  const stack = new Stack(app, 'Bare', { env: ENV });
  new KeyturnSecrets(stack, 'Secrets', {
    app: 'payments',
    env: 'prod',
    secrets: {
      smtp: { service: 'smtp', type: 'credentials', shape: { fields: { host: 'smtp.example.com' }, placeholders: ['password'] } },
      stripe: { service: 'stripe', type: 'api-key', shape: { placeholders: ['secretKey'] }, manualRotation: { reason: 'Issued by Stripe and rolled in its dashboard.' } },
    },
  });
  const report = new AwsSolutionsChecks(app).validateScope(app);
  expect(report.violations.map((v) => [v.ruleName, v.severity, v.violatingResources.map((r) => r.constructPath)])).toEqual([['AwsSolutions-SMG4', 'error', ['Bare/Secrets/smtp/Resource']]]);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
});

it('declares the API secrets under {app}/{env}/{service}/{type} with generated credentials and no value', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);
  const secrets = template.findResources('AWS::SecretsManager::Secret');
  expect(Object.values(secrets).map((s) => s.Properties.Name).sort()).toEqual([
    'payments/prod/jwt/signing-key',
    'payments/prod/postgres/app-user',
    'payments/prod/postgres/master-user',
    'payments/prod/redis/app-user',
    'payments/prod/redis/master-user',
    'payments/prod/smtp/credentials',
    'payments/prod/stripe/api-key',
    'payments/prod/stripe/webhook-secret',
  ]);
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: 'payments/prod/postgres/app-user',
    KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsKey'), 'Arn'] },
    ReplicaRegions: [{ Region: 'eu-central-1' }],
    GenerateSecretString: {
      GenerateStringKey: 'password',
      PasswordLength: 32,
      SecretStringTemplate: {
        'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"username":"payments_app"'), { Ref: Match.stringLikeRegexp('^SecretspostgresMaster') }])],
      },
    },
  });
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: 'payments/prod/stripe/api-key',
    SecretString: '{"secretKey":""}',
  });
  // No secret is created with a literal credential.
  for (const s of Object.values(secrets)) {
    const literal = s.Properties.SecretString;
    if (literal !== undefined) for (const [k, v] of Object.entries(JSON.parse(literal))) if (/password|secret|key/i.test(k)) expect(v).toBe('');
  }
  template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 5);
  template.resourcePropertiesCountIs('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } }, 5);
});

it('grants the task role read access to its secrets only, batch reads and decryption through Secrets Manager', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);
  const taskRoleId = stack.getLogicalId(stack.taskRole.node.defaultChild as never);
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: [{ Ref: taskRoleId }],
    PolicyDocument: {
      Statement: [
        { Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^Secretspostgres[0-9A-F]') }]) },
        { Sid: 'BatchReadSecrets', Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
        { Sid: 'DecryptSecrets', Effect: 'Allow', Action: 'kms:Decrypt', Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } },
      ],
    },
  });
  const policy = Object.values(template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: taskRoleId }] } }))[0];
  const read = policy.Properties.PolicyDocument.Statement[0].Resource as { Ref: string }[];
  expect(read).toHaveLength(6);
  expect(read.some((r) => /Master/.test(r.Ref))).toBe(false);
});

it('runs each network rotation in the VPC behind its own security group, reaching the server and the Secrets Manager endpoint only', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Lambda::Function', 5);
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.secretsmanager', PrivateDnsEnabled: true, VpcEndpointType: 'Interface' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Architectures: ['arm64'],
    VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretspostgresRotationSecurityGroup'), 'GroupId'] }] },
  });
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
    IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432,
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DatabaseSecurityGroup'), 'GroupId'] },
    SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretspostgresRotationSecurityGroup'), 'GroupId'] },
  });
  template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
    IpProtocol: 'tcp', FromPort: 443, ToPort: 443,
    GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsredisRotationSecurityGroup'), 'GroupId'] },
    DestinationSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecretsSecretsManagerEndpointSecurityGroup'), 'GroupId'] },
  });
  // The random-key function needs no network.
  template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { KEY_NAMES: 'key' } }, VpcConfig: Match.absent() });
});
