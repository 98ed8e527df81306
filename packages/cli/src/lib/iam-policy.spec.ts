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
});
