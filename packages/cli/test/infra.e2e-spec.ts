import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestEmulator, type TestEmulator } from '@keyturn/testing';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { parse as parseEnv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { cli } from './cli-harness';

// `keyturn infra` on the mapping file `keyturn migrate-env` writes for a realistic .env file, and
// on a declaration with rotation: real synthesis through @keyturn/cdk.
const FIXTURE = join(__dirname, 'fixtures', 'realistic.env');
const ENV = parseEnv(readFileSync(FIXTURE));

let emulatorServer: TestEmulator;
let dir: string;
let k: ReturnType<typeof cli>;

beforeAll(async () => {
  emulatorServer = await startTestEmulator();
});
afterAll(async () => {
  await emulatorServer?.stop();
});
beforeEach(async () => {
  await emulatorServer.reset();
  dir = mkdtempSync(join(tmpdir(), 'keyturn-cli-infra-'));
  copyFileSync(FIXTURE, join(dir, '.env'));
  k = cli({ endpoint: emulatorServer.endpoint, cwd: dir });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const secretValues = Object.values(ENV).filter((v) => v.length >= 6);

it('synthesizes the template of the secrets a migrate-env run created, from its mapping file, without any value', async () => {
  const migrated = await k('migrate-env', '.env', '--prefix', 'app/prod', '--yes');
  expect(migrated.code).toBe(0);
  const mapping = JSON.parse(readFileSync(join(dir, 'keyturn.env-map.json'), 'utf8')) as Record<string, Record<string, string>>;

  const r = await k('infra', 'keyturn.env-map.json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  for (const v of secretValues) expect(r.stdout).not.toContain(v);
  const template = Template.fromJSON(r.json());
  const secrets = Object.values(template.findResources('AWS::SecretsManager::Secret'));
  expect(secrets.map((s) => s.Properties.Name).sort()).toEqual(Object.keys(mapping).sort());
  // The database secret: its password generated, every other key an empty placeholder to fill.
  template.hasResourceProperties('AWS::SecretsManager::Secret', {
    Name: 'app/prod/database',
    GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: Match.serializedJson(Object.fromEntries(Object.keys(mapping['app/prod/database']).filter((key) => key !== 'password').map((key) => [key, '']))) },
  });
  template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'app/prod/stripe', SecretString: Match.serializedJson({ apiVersion: '', publishableKey: '', secretKey: '', webhookSecret: '' }) });
  for (const s of secrets) expect(s.DeletionPolicy).toBe('Retain');
  template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
    PolicyDocument: {
      Statement: [
        { Sid: 'ReadSecrets', Effect: 'Allow', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: Match.arrayWith([{ Ref: Match.stringLikeRegexp('^KeyturnappProdDatabase') }]) },
        { Sid: 'BatchReadSecrets', Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
      ],
    },
  });
  template.hasOutput('ReadPolicyArn', {});
  template.resourceCountIs('AWS::Lambda::Function', 0);
});

it('writes YAML to --out and grants an existing role with --role-name, without batch reads on --no-batch', async () => {
  writeFileSync(join(dir, 'map.json'), JSON.stringify({ 'shop/dev/jwt': { key: 'JWT_SECRET' }, 'shop/dev/database': { username: 'DB_USER', password: 'DB_PASSWORD' } }));
  const r = await k('infra', 'map.json', '--format', 'yaml', '--out', 'secrets.yaml', '--role-name', 'shop-api', '--no-batch', '--stack-name', 'shop-secrets');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/Template of stack shop-secrets written to secrets\.yaml/);
  const text = readFileSync(join(dir, 'secrets.yaml'), 'utf8');
  expect(text).toMatch(/^Description: Secrets of shop \(dev\)/m);
  const template = Template.fromJSON(parseYaml(text));
  template.hasResourceProperties('AWS::IAM::Policy', {
    Roles: ['shop-api'],
    PolicyDocument: { Statement: [Match.objectLike({ Sid: 'ReadSecrets', Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'] })] },
  });
  template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'shop/dev/database', GenerateSecretString: { GenerateStringKey: 'password', SecretStringTemplate: '{"username":""}' } });
});

it('synthesizes rotation functions, schedules, KMS and replicas from a declaration', async () => {
  writeFileSync(
    join(dir, 'infra.json'),
    JSON.stringify({
      app: 'payments',
      env: 'prod',
      kmsKey: 'create',
      replicaRegions: ['eu-central-1'],
      network: { vpcId: 'vpc-0123456789abcdef0', vpcCidr: '10.0.0.0/16', availabilityZones: ['eu-west-1a', 'eu-west-1b'], subnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
      secrets: {
        postgres: {
          service: 'postgres', type: 'app-user',
          fields: { engine: 'postgres', host: 'db.internal', port: 5432, username: 'app', dbname: 'payments' }, generate: 'password',
          rotation: { strategy: 'postgres-single-user', securityGroupId: 'sg-0123456789abcdef0' },
        },
        jwt: { service: 'jwt', type: 'signing-key', generate: { key: 'key', length: 64 }, rotation: { strategy: 'random-key', scheduleDays: 7 } },
        stripe: { service: 'stripe', type: 'api-key', placeholders: ['secretKey'], manualRotationReason: 'Issued by Stripe.' },
      },
    }),
  );
  const r = await k('infra', 'infra.json', '--region', 'eu-west-1', '--code-bucket', 'payments-artifacts', '--code-prefix', 'keyturn/0.1.0/');
  expect(r.code).toBe(0);
  const template = Template.fromJSON(r.json());
  template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'payments/prod/postgres/app-user', KmsKeyId: Match.anyValue(), ReplicaRegions: [{ Region: 'eu-central-1' }] });
  template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
  template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(7 days)' } });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Code: { S3Bucket: 'payments-artifacts', S3Key: 'keyturn/0.1.0/postgres-single-user.zip' },
    VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
  });
  template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', FromPort: 5432, ToPort: 5432 });
  template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: 'com.amazonaws.eu-west-1.secretsmanager', VpcId: 'vpc-0123456789abcdef0' });

  // Without --code-bucket the code is a CDK asset, and the command says how to deploy it.
  const assets = await k('infra', 'infra.json', '--region', 'eu-west-1');
  expect(assets.code).toBe(0);
  expect(assets.stderr).toMatch(/referenced as CDK assets/);
  Template.fromJSON(assets.json()).hasResourceProperties('AWS::Lambda::Function', { Code: { S3Bucket: Match.anyValue(), S3Key: Match.stringLikeRegexp('\\.zip$') } });
});

it('reports unreadable and invalid declarations as usage errors', async () => {
  expect((await k('infra', 'missing.json')).code).toBe(2);
  writeFileSync(join(dir, 'bad.json'), '{"secrets": ');
  const bad = await k('infra', 'bad.json');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/not valid JSON/);
  writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ app: 'a', env: 'b', secrets: { s: { name: 'a/s', rotation: { strategy: 'mysql' } } } }));
  const wrong = await k('infra', 'wrong.json');
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/rotation\.strategy must be one of postgres-single-user/);
  writeFileSync(join(dir, 'literal.json'), JSON.stringify({ app: 'a', env: 'b', secrets: { s: { name: 'a/s', fields: { password: 'hunter2hunter2' } } } }));
  const literal = await k('infra', 'literal.json');
  expect(literal.code).toBe(2);
  expect(literal.stderr).toMatch(/"password" looks like a credential/);
  expect(literal.stderr).not.toContain('hunter2');
});
