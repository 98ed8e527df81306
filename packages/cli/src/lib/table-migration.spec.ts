import { migrateTablePolicy, rowsToSecrets, templatePrefix } from './table-migration';

describe('rowsToSecrets', () => {
  it('builds one nested JSON secret per row', () => {
    const out = rowsToSecrets([{ slug: 'acme', p: 'pw-canary', u: 'acme' }], 'app/clients/{slug}', 'db.password=p,db.user=u');
    expect(out).toEqual([{ row: 1, secretId: 'app/clients/acme', keyPaths: ['db.password', 'db.user'], content: { db: { password: 'pw-canary', user: 'acme' } } }]);
  });

  it('lists every bad row (row, secret, key, column) in one usage error, without values', () => {
    const rows = [{ slug: 'a', p: Buffer.from('bin-canary') }, { slug: null, p: 'x' }, { slug: 'a', p: 'y' }];
    let err: Error & { exitCode?: number } = new Error('none');
    try {
      rowsToSecrets(rows, 'app/{slug}', 'db.password=p');
    } catch (e) {
      err = e as Error & { exitCode?: number };
    }
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^3 rows cannot become secrets; nothing was written:/);
    expect(err.message).toMatch(/row 1 \(secret app\/a\): column "p" \(JSON key "db.password"\) holds binary data/);
    expect(err.message).toMatch(/row 2: column "slug" is empty/);
    expect(err.message).toMatch(/row 3: secret app\/a is also the name of row 1/);
    expect(err.message).not.toMatch(/canary/);
  });

  it('turns a bad template or mapping into a usage error', () => {
    expect(() => rowsToSecrets([], 'app/clients', 'a=b')).toThrow(/no \{column\} placeholder/);
    expect(() => rowsToSecrets([], 'app/{slug}', 'a')).toThrow(/key.path=column/);
  });
});

it('scopes the IAM policy to the template prefix', () => {
  expect(templatePrefix('app/clients/{slug}')).toBe('app/clients/');
  const policy = migrateTablePolicy('app/{env}/clients/{slug}', { region: 'eu-west-1', account: '123456789012' });
  expect(policy.Statement[0].Resource).toBe('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/*');
  expect(policy.Statement[0].Action).toEqual(['secretsmanager:CreateSecret', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue', 'secretsmanager:UpdateSecretVersionStage']);
});
