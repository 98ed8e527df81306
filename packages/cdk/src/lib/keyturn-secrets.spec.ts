import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { KeyturnSecrets } from './keyturn-secrets';
import type { KeyturnSecretsProps } from './keyturn-secrets.types';
import { secretName } from './secret-name';

const ENV = { account: '123456789012', region: 'eu-west-1' };
const stackWith = (props: Omit<KeyturnSecretsProps, 'app' | 'env'> & Partial<KeyturnSecretsProps>) => {
  const stack = new Stack(new App(), 'S', { env: ENV });
  const secrets = new KeyturnSecrets(stack, 'Secrets', { app: 'shop', env: 'dev', ...props });
  return { stack, secrets, template: () => Template.fromStack(stack) };
};

describe('secretName', () => {
  it('fills the template and refuses missing parts and invalid names', () => {
    expect(secretName('{app}/{env}/{service}/{type}', { app: 'shop', env: 'prod', service: 'postgres', type: 'app-user' })).toBe('shop/prod/postgres/app-user');
    expect(() => secretName('{app}/{env}/{service}/{type}', { app: 'shop', env: 'prod', service: 'postgres', type: undefined })).toThrow(/needs \{type\}/);
    expect(() => secretName('{app} {env}', { app: 'shop', env: 'prod', service: undefined, type: undefined })).toThrow(/not a valid secret name/);
  });
});

describe('KeyturnSecrets', () => {
  it('uses a custom template or a full name, and refuses duplicates', () => {
    const { template } = stackWith({
      nameTemplate: '{env}-{app}/{service}/{type}',
      secrets: {
        a: { service: 'jwt', type: 'key', rotation: { strategy: 'random-key' } },
        b: { name: 'legacy/stripe', shape: { placeholders: ['apiKey'] }, manualRotation: { reason: 'provider key' } },
      },
    });
    template().hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'dev-shop/jwt/key', GenerateSecretString: { PasswordLength: 32, SecretStringTemplate: Match.absent() } });
    template().hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'legacy/stripe', SecretString: '{"apiKey":""}' });
    expect(() => stackWith({ secrets: { a: { name: 'x/y', rotation: { strategy: 'random-key' } }, b: { name: 'x/y', rotation: { strategy: 'random-key' } } } })).toThrow(/two secrets are named "x\/y"/);
  });

  it('never takes a credential as a literal field', () => {
    expect(() => stackWith({ secrets: { s: { name: 'a/b', shape: { fields: { host: 'h', password: 'hunter2' } } } } })).toThrow(/"password" looks like a credential/);
    expect(() => stackWith({ secrets: { s: { name: 'a/b', shape: { fields: { stripeApiKey: 'sk_live' } } } } })).toThrow(/looks like a credential/);
    expect(() => stackWith({ secrets: { s: { name: 'a/b', shape: { placeholders: ['password'], generate: { key: 'password' } } } } })).toThrow(/both generated and declared/);
  });

  it('rotates a random key every 30 days by default, or on the given schedule, with the keys to replace', () => {
    const { template } = stackWith({
      secrets: {
        jwt: { service: 'jwt', type: 'signing-key', shape: { generate: { key: 'key', length: 64 } }, rotation: { strategy: 'random-key', encoding: 'hex', length: 64 } },
        session: { service: 'session', type: 'secret', rotation: { strategy: 'random-key', schedule: Duration.days(7) } },
      },
    });
    template().hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' }, RotateImmediatelyOnUpdate: false });
    template().hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
    template().hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { KEY_NAMES: 'key', KEY_ENCODING: 'hex', KEY_LENGTH: '64' } } });
    // The plain-string secret is replaced whole: no KEY_NAMES.
    template().hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('shop/dev/session/secret'), Environment: Match.absent() });
  });

  it('gives each rotation function its own log group and role, scoped to its secret', () => {
    const { template, stack, secrets } = stackWith({ secrets: { jwt: { service: 'jwt', type: 'k', shape: { generate: { key: 'key' } }, rotation: { strategy: 'random-key' } } } });
    const fn = stack.getLogicalId(secrets.rotationFunctions.jwt.node.defaultChild as never);
    const secret = stack.getLogicalId(secrets.secret('jwt').node.defaultChild as never);
    template().hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^SecretsjwtRotationLogs') } } });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template().hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'], Resource: { Ref: secret } }),
          Match.objectLike({ Action: 'secretsmanager:GetRandomPassword', Resource: '*' }),
        ]),
      },
    });
    template().hasResourceProperties('AWS::Lambda::Permission', { FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] }, Principal: 'secretsmanager.amazonaws.com' });
    // No AWS managed policy on the role (cdk-nag IAM4).
    template().hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: Match.anyValue(), ManagedPolicyArns: Match.absent() });
  });

  it('needs a network for database rotations, and goes through NAT on 443 when asked', () => {
    expect(() => stackWith({ secrets: { pg: { name: 'a/pg', shape: { generate: { key: 'password' } }, rotation: { strategy: 'postgres-single-user' } } } })).toThrow(/pass network: \{ vpc \}/);
    const stack = new Stack(new App(), 'N', { env: ENV });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    new KeyturnSecrets(stack, 'Secrets', {
      app: 'shop', env: 'dev', network: { vpc, secretsManagerEndpoint: 'nat' },
      secrets: { redis: { service: 'redis', type: 'app-user', shape: { fields: { host: 'r', port: 6380, username: 'app' }, generate: { key: 'password' } }, rotation: { strategy: 'redis-acl-user' } } },
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    t.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([
        Match.objectLike({ CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] }, FromPort: 6380, ToPort: 6380 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
      ]),
    });
    t.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: { SECRET_ARN: { Ref: Match.stringLikeRegexp('^Secretsredis') }, USER_NAME: 'app', PASSWORD_LENGTH: '32' } } });
  });

  it('requires the superuser secret for alternating users and writes its ARN into masterarn', () => {
    expect(() => stackWith({ secrets: { pg: { name: 'a/pg', shape: { generate: { key: 'password' } }, rotation: { strategy: 'postgres-alternating-users' } } } })).toThrow(/needs masterSecret/);
    expect(() => stackWith({ secrets: { pg: { name: 'a/pg', rotation: { strategy: 'random-key', masterSecret: 'nope' } } } })).toThrow(/"nope" is not a declared secret/);
  });

  it('grants read without batch when asked, as an attached policy or a managed policy', () => {
    const { stack, secrets, template } = stackWith({ secrets: { jwt: { service: 'jwt', type: 'k', rotation: { strategy: 'random-key' } } } });
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    secrets.grantRead(role, { batch: false });
    secrets.createReadPolicy('ReadManaged');
    template().hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as never) }],
      PolicyDocument: { Statement: [{ Sid: 'ReadSecrets', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow', Resource: { Ref: Match.anyValue() } }] },
    });
    template().hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'BatchReadSecrets', Resource: '*' })]) } });
    expect(() => secrets.secret('nope')).toThrow(/declares no secret "nope" \(declared: jwt\)/);
  });
});
