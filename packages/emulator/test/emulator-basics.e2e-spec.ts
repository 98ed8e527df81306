import {
  BatchGetSecretValueCommand,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  UpdateSecretVersionStageCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startEmulator, type EmulatorServer } from '../src/index';
import { clientFor, failure } from './helpers';

describe('emulator basics over the AWS SDK', () => {
  let emulator: EmulatorServer;
  let client: SecretsManagerClient;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, region: 'us-east-1', accountId: '111122223333' });
    client = clientFor(emulator.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await emulator.stop();
  });

  it('creates, reads, writes, batch-reads and describes a secret', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'basics/db', SecretString: '{"password":"one"}' }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:us-east-1:111122223333:secret:basics\/db-[A-Za-z0-9]{6}$/);
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'basics/db', SecretString: '{"password":"two"}' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const current = await client.send(new GetSecretValueCommand({ SecretId: created.ARN }));
    expect(current.SecretString).toBe('{"password":"two"}');
    const previous = await client.send(new GetSecretValueCommand({ SecretId: 'basics/db', VersionStage: 'AWSPREVIOUS' }));
    expect(previous.VersionId).toBe(created.VersionId);
    const batch = await client.send(new BatchGetSecretValueCommand({ SecretIdList: ['basics/db', 'basics/missing'] }));
    expect(batch.SecretValues?.map((v) => v.SecretString)).toEqual(['{"password":"two"}']);
    expect(batch.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([['basics/missing', 'ResourceNotFoundException']]);
    await client.send(
      new UpdateSecretVersionStageCommand({ SecretId: 'basics/db', VersionStage: 'AWSCURRENT', MoveToVersionId: created.VersionId, RemoveFromVersionId: put.VersionId }),
    );
    const described = await client.send(new DescribeSecretCommand({ SecretId: 'basics/db' }));
    expect(described.VersionIdsToStages).toEqual({ [created.VersionId!]: ['AWSCURRENT'], [put.VersionId!]: ['AWSPREVIOUS'] });
    const err = await failure(client.send(new GetSecretValueCommand({ SecretId: 'basics/missing' })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata?.httpStatusCode).toBe(400);
  });
});
