import { cli } from './cli-harness';

// iam-policy needs no endpoint: it only prints a document.
const keyturn = cli({ endpoint: undefined, region: 'eu-west-1' });

describe('keyturn iam-policy for fleets and regions', () => {
  it('--replica-regions and --watcher add per-region read and decrypt statements and ListSecrets', async () => {
    const mrk = 'arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef';
    const r = await keyturn('iam-policy', '--secrets', 'app/prod/db', '--account', '123456789012', '--replica-regions', 'eu-central-1', '--kms-key', mrk, '--watcher');
    expect(r.code).toBe(0);
    const sids = r.json<{ Statement: { Sid: string; Action: unknown; Resource: unknown }[] }>().Statement.map((s) => [s.Sid, s.Action, s.Resource]);
    expect(sids).toEqual([
      ['ReadSecrets', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/prod/db-??????'],
      ['BatchReadSecrets', 'secretsmanager:BatchGetSecretValue', '*'],
      ['DecryptSecretsKey', 'kms:Decrypt', mrk],
      ['ReadReplicaSecretsEuCentral1', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], 'arn:aws:secretsmanager:eu-central-1:123456789012:secret:app/prod/db-??????'],
      ['DecryptSecretsKeyEuCentral1', 'kms:Decrypt', mrk.replace('eu-west-1', 'eu-central-1')],
      ['WatchSecretVersions', 'secretsmanager:ListSecrets', '*'],
    ]);
  });

  it('a single-region key needs --replica-kms-key region=arn, and says so', async () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const missing = await keyturn('iam-policy', '--secrets', 'app/prod/db', '--account', '123456789012', '--replica-regions', 'us-west-2', '--kms-key', key);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('--replica-kms-key us-west-2=<key ARN>');
    const west = 'arn:aws:kms:us-west-2:123456789012:key/9999abcd-12ab-34cd-56ef-1234567890ab';
    const ok = await keyturn('iam-policy', '--secrets', 'app/prod/db', '--account', '123456789012', '--replica-regions', 'us-west-2', '--kms-key', key, '--replica-kms-key', `us-west-2=${west}`);
    expect(ok.code).toBe(0);
    expect(ok.json<{ Statement: { Sid: string; Resource: unknown }[] }>().Statement.find((s) => s.Sid === 'DecryptSecretsKeyUsWest2')?.Resource).toBe(west);
    const bad = await keyturn('iam-policy', '--secrets', 'app/prod/db', '--account', '123456789012', '--replica-regions', 'us-west-2', '--kms-key', key, '--replica-kms-key', west);
    expect(bad.stderr).toContain('--replica-kms-key must be <region>=<key ARN>');
  });
});
