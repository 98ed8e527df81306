import { buildIamPolicies, secretArnPattern } from './iam-policy';

const base = { region: 'eu-west-1', account: '123456789012' };

describe('IAM policies', () => {
  it('scopes reads to each secret ARN pattern and batch reads to *', () => {
    const { application, rotation } = buildIamPolicies({ ...base, secrets: ['app/b', 'app/a', 'app/a'] });
    expect(rotation).toBeUndefined();
    expect(application.Statement).toEqual([
      {
        Sid: 'ReadSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
        Resource: ['arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/a-??????', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/b-??????'],
      },
      { Sid: 'BatchReadSecrets', Effect: 'Allow', Action: 'secretsmanager:BatchGetSecretValue', Resource: '*' },
    ]);
  });

  it('adds kms:Decrypt with kms:ViaService and the rotation policy', () => {
    const kms = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const p = buildIamPolicies({ ...base, secrets: ['app/db'], kmsKeyArn: kms, rotation: true });
    expect(p.application.Statement[2]).toEqual({
      Sid: 'DecryptSecretsKey', Effect: 'Allow', Action: 'kms:Decrypt', Resource: kms,
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
    });
    expect(p.rotation?.Statement.map((s) => s.Action)).toEqual([
      ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage'],
      'secretsmanager:GetRandomPassword',
      ['kms:Decrypt', 'kms:GenerateDataKey'],
    ]);
    expect(p.rotation?.Statement[1].Resource).toBe('*');
  });

  it('is deterministic and keeps ARNs and prefixes as given', () => {
    const arn = 'arn:aws:secretsmanager:us-east-2:210987654321:secret:other/x-AbCdEf';
    const a = JSON.stringify(buildIamPolicies({ ...base, secrets: [arn, 'tenants/*'] }));
    const b = JSON.stringify(buildIamPolicies({ ...base, secrets: ['tenants/*', arn] }));
    expect(a).toBe(b);
    expect(secretArnPattern('tenants/*', base)).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:tenants/*');
    expect(secretArnPattern(arn, {})).toBe(arn);
  });

  it('says which flag is missing', () => {
    expect(() => buildIamPolicies({ secrets: ['a'], region: 'eu-west-1' })).toThrow(/--account/);
    expect(() => buildIamPolicies({ secrets: ['a'], account: '123456789012' })).toThrow(/--region/);
    expect(() => buildIamPolicies({ ...base, secrets: [] })).toThrow(/--secrets/);
    expect(() => buildIamPolicies({ ...base, secrets: ['a'], kmsKeyArn: 'alias/x' })).toThrow(/--kms-key/);
  });

  it('replica regions: a read statement per region with the replica ARNs, and kms:Decrypt per region', () => {
    const mrk = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab';
    const { application } = buildIamPolicies({ ...base, secrets: ['app/db', 'tenants/*'], replicaRegions: ['us-west-2', 'eu-central-1'], kmsKeyArn: mrk });
    const bySid = Object.fromEntries(application.Statement.map((s) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual(['ReadSecrets', 'BatchReadSecrets', 'DecryptSecretsKey', 'ReadReplicaSecretsEuCentral1', 'DecryptSecretsKeyEuCentral1', 'ReadReplicaSecretsUsWest2', 'DecryptSecretsKeyUsWest2']);
    expect(bySid.ReadReplicaSecretsUsWest2.Resource).toEqual(['arn:aws:secretsmanager:us-west-2:123456789012:secret:app/db-??????', 'arn:aws:secretsmanager:us-west-2:123456789012:secret:tenants/*']);
    expect(bySid.DecryptSecretsKeyUsWest2).toEqual({
      Sid: 'DecryptSecretsKeyUsWest2', Effect: 'Allow', Action: 'kms:Decrypt',
      Resource: 'arn:aws:kms:us-west-2:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
      Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-west-2.amazonaws.com' } },
    });
    // The primary key is still only usable through the primary region's Secrets Manager.
    expect(bySid.DecryptSecretsKey.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } });
  });

  it('replica regions with a single-region key need the replica key, and the primary is not a replica', () => {
    const kms = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => buildIamPolicies({ ...base, secrets: ['app/db'], replicaRegions: ['us-west-2'], kmsKeyArn: kms })).toThrow(/--replica-kms-key us-west-2=<key ARN>/);
    const west = 'arn:aws:kms:us-west-2:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab';
    const { application } = buildIamPolicies({ ...base, secrets: ['app/db'], replicaRegions: ['us-west-2'], kmsKeyArn: kms, replicaKmsKeys: { 'us-west-2': west } });
    expect(application.Statement.find((s) => s.Sid === 'DecryptSecretsKeyUsWest2')?.Resource).toBe(west);
    expect(() => buildIamPolicies({ ...base, secrets: ['app/db'], replicaRegions: ['eu-west-1'] })).toThrow(/primary region/);
    expect(() => buildIamPolicies({ ...base, secrets: ['app/db'], replicaRegions: ['mars'] })).toThrow(/not a region name/);
  });

  it('the fleet watcher adds secretsmanager:ListSecrets on * (no resource-level permissions)', () => {
    const { application } = buildIamPolicies({ ...base, secrets: ['app/db'], watcher: true });
    expect(application.Statement.at(-1)).toEqual({ Sid: 'WatchSecretVersions', Effect: 'Allow', Action: 'secretsmanager:ListSecrets', Resource: '*' });
    expect(buildIamPolicies({ ...base, secrets: ['app/db'] }).application.Statement.some((s) => s.Action === 'secretsmanager:ListSecrets')).toBe(false);
  });
});
