import { startMoto, startPostgres, startRedis, testClientConfig } from '@keyturn/testing';
import { SecretsManagerClient, CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { Client } from 'pg';

it('starts private moto, PostgreSQL (password auth) and Redis (ACL)', async () => {
  const [moto, pg, redis] = await Promise.all([startMoto(), startPostgres(), startRedis()]);
  try {
    const sm = new SecretsManagerClient(testClientConfig(moto.endpoint));
    await sm.send(new CreateSecretCommand({ Name: 'infra/x', SecretString: 'v' }));
    expect((await sm.send(new GetSecretValueCommand({ SecretId: 'infra/x' }))).SecretString).toBe('v');
    expect((await pg.sql('select 1 as one')).rows[0].one).toBe(1);
    const bad = new Client({ ...pg.adminConfig(), password: 'wrong' });
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
    expect(await redis.command('PING')).toBe('PONG');
  } finally {
    await Promise.all([moto.stop(), pg.stop(), redis.stop()]);
  }
});
