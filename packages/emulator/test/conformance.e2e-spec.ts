/**
 * One suite, two servers: every case runs against the emulator and against moto 5.2 with the
 * real AWS SDK v3 client. Cases assert what AWS documents; where moto differs, the case says so
 * in its name and asserts moto's behaviour for moto.
 */
import {
  BatchGetSecretValueCommand,
  CancelRotateSecretCommand,
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  ListSecretVersionIdsCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  RotateSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
  UpdateSecretVersionStageCommand,
  PutResourcePolicyCommand,
  GetResourcePolicyCommand,
  DeleteResourcePolicyCommand,
  ValidateResourcePolicyCommand,
  ReplicateSecretToRegionsCommand,
  RemoveRegionsFromReplicationCommand,
  StopReplicationToReplicaCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { startMoto } from '@keyturn/testing';
import { startEmulator } from '../src/index';
import { clientFor, failure, raw } from './helpers';

type TargetName = 'emulator' | 'moto';

const token = (n: number, run: string) => `${run}-0000-0000-0000-${String(n).padStart(12, '0')}`.padStart(36, '0');

describe.each<[TargetName]>([['emulator'], ['moto']])('conformance against %s', (target) => {
  let endpoint: string;
  let stop: () => Promise<void>;
  let client: SecretsManagerClient;
  const run = Math.random().toString(16).slice(2, 10).padEnd(8, '0');
  let counter = 0;
  /** A name no other case uses. */
  const unique = (label: string) => `c${run}/${++counter}/${label}`;
  const tok = (n: number) => token(n + counter * 100, run);
  const isMoto = target === 'moto';

  beforeAll(async () => {
    if (target === 'emulator') {
      const e = await startEmulator({ port: 0, regions: ['us-east-1', 'eu-west-1'] });
      endpoint = e.endpoint;
      stop = () => e.stop();
    } else {
      const m = await startMoto();
      endpoint = m.endpoint;
      stop = () => m.stop();
    }
    client = clientFor(endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await stop?.();
  });

  // ------------------------------------------------------------------ CreateSecret / GetSecretValue

  it('CreateSecret: ARN is name-XXXXXX, the token becomes the VersionId, the version is AWSCURRENT', async () => {
    const name = unique('db');
    const t = tok(1);
    const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: '{"u":"a","p":"1"}', ClientRequestToken: t, Description: 'd' }));
    expect(out.ARN).toMatch(new RegExp(`^arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-[A-Za-z0-9]{6}$`));
    expect(out.Name).toBe(name);
    expect(out.VersionId).toBe(t);
    const got = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(got).toMatchObject({ ARN: out.ARN, Name: name, VersionId: t, SecretString: '{"u":"a","p":"1"}', VersionStages: ['AWSCURRENT'] });
    expect(got.CreatedDate).toBeInstanceOf(Date);
  });

  it('GetSecretValue accepts the name, the full ARN and the partial ARN', async () => {
    const name = unique('ids');
    const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const partial = ARN!.slice(0, -7);
    for (const id of [name, ARN!, partial]) {
      expect((await client.send(new GetSecretValueCommand({ SecretId: id }))).SecretString).toBe('v');
    }
  });

  it('CreateSecret: the same token and value again is a no-op; another value with that token is ResourceExistsException', async () => {
    const name = unique('idem');
    const t = tok(1);
    const first = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: t }));
    const again = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', ClientRequestToken: t }));
    expect(again).toMatchObject({ ARN: first.ARN, VersionId: t });
    expect((await failure(client.send(new CreateSecretCommand({ Name: name, SecretString: 'v2', ClientRequestToken: t })))).name).toBe('ResourceExistsException');
    expect((await failure(client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' })))).name).toBe('ResourceExistsException');
  });

  it('SecretBinary round-trips as bytes', async () => {
    const name = unique('bin');
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await client.send(new CreateSecretCommand({ Name: name, SecretBinary: bytes }));
    const got = await client.send(new GetSecretValueCommand({ SecretId: name }));
    expect(Buffer.from(got.SecretBinary!)).toEqual(Buffer.from(bytes));
    expect(got.SecretString).toBeUndefined();
  });

  it('GetSecretValue: unknown secret, unknown label and a secret without value are ResourceNotFoundException', async () => {
    expect((await failure(client.send(new GetSecretValueCommand({ SecretId: unique('missing') })))).name).toBe('ResourceNotFoundException');
    const name = unique('nolabel');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    expect((await failure(client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' })))).name).toBe('ResourceNotFoundException');
    const empty = unique('empty');
    await client.send(new CreateSecretCommand({ Name: empty }));
    expect((await failure(client.send(new GetSecretValueCommand({ SecretId: empty })))).name).toBe('ResourceNotFoundException');
  });

  it(`GetSecretValue: VersionId and VersionStage naming different versions is InvalidRequestException${isMoto ? ' (moto 5.2 answers HTTP 404, AWS 400)' : ''}`, async () => {
    const name = unique('mismatch');
    const first = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
    const err = await failure(client.send(new GetSecretValueCommand({ SecretId: name, VersionId: first.VersionId, VersionStage: 'AWSCURRENT' })));
    expect(err.name).toBe('InvalidRequestException');
    expect(err.$metadata?.httpStatusCode).toBe(isMoto ? 404 : 400);
  });

  it(`ResourceNotFoundException has HTTP ${isMoto ? '404 in moto 5.2 (AWS: 400)' : '400 as in AWS'}`, async () => {
    const err = await failure(client.send(new DescribeSecretCommand({ SecretId: unique('nothing') })));
    expect(err.name).toBe('ResourceNotFoundException');
    expect(err.$metadata?.httpStatusCode).toBe(isMoto ? 404 : 400);
  });

  it(`CreateSecret with both SecretString and SecretBinary: ${isMoto ? 'moto 5.2 accepts it (AWS: InvalidParameterException)' : 'InvalidParameterException'}`, async () => {
    const call = client.send(new CreateSecretCommand({ Name: unique('both'), SecretString: 's', SecretBinary: new Uint8Array([1]) }));
    if (isMoto) await expect(call).resolves.toHaveProperty('ARN');
    else expect((await failure(call)).name).toBe('InvalidParameterException');
  });

  it(`CreateSecret with a 65,537-character value: ${isMoto ? 'moto 5.2 accepts it (AWS enforces the 65,536 limit)' : 'rejected (ValidationException); 65,536 is accepted'}`, async () => {
    const ok = await client.send(new CreateSecretCommand({ Name: unique('max'), SecretString: 'x'.repeat(65_536) }));
    expect(ok.ARN).toBeDefined();
    const call = client.send(new CreateSecretCommand({ Name: unique('toolong'), SecretString: 'x'.repeat(65_537) }));
    if (isMoto) await expect(call).resolves.toHaveProperty('ARN');
    else expect((await failure(call)).name).toBe('ValidationException');
  });

  it(`CreateSecret with a name outside /_+=.@- and alphanumerics: ${isMoto ? 'moto 5.2 accepts it (AWS: InvalidParameterException)' : 'InvalidParameterException'}`, async () => {
    const call = client.send(new CreateSecretCommand({ Name: `${unique('bad')}#name`, SecretString: 'v' }));
    if (isMoto) await expect(call).resolves.toHaveProperty('ARN');
    else expect((await failure(call)).name).toBe('InvalidParameterException');
  });

  // ------------------------------------------------------------------ PutSecretValue and labels

  it(`PutSecretValue: AWSCURRENT moves to the new version and AWSPREVIOUS follows${isMoto ? ' (moto 5.2 also lists the unlabelled version with [])' : ''}`, async () => {
    const name = unique('put');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const v2 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: tok(2) }))).VersionId!;
    expect(v2).toBe(tok(2));
    const v3 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v3' }))).VersionId!;
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    // v1 lost its last label: AWS does not list deprecated versions.
    expect(d.VersionIdsToStages).toEqual({ [v3]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'], ...(isMoto ? { [v1]: [] } : {}) });
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPREVIOUS' }))).SecretString).toBe('v2');
    // A deprecated version is still readable by VersionId.
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: v1 }))).SecretString).toBe('v1');
  });

  it('PutSecretValue: the same token and data is a no-op; different data is ResourceExistsException', async () => {
    const name = unique('putidem');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    const t = tok(7);
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: t }));
    const again = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: t }));
    expect(again).toMatchObject({ VersionId: t, VersionStages: ['AWSCURRENT'] });
    expect((await failure(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'other', ClientRequestToken: t })))).name).toBe('ResourceExistsException');
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionId: t }))).SecretString).toBe('v2');
    const ids = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(ids.Versions).toHaveLength(2);
  });

  it('PutSecretValue with VersionStages [AWSPENDING] leaves AWSCURRENT where it is', async () => {
    const name = unique('pending');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const out = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'p', ClientRequestToken: tok(3), VersionStages: ['AWSPENDING'] }));
    expect(out.VersionStages).toEqual(['AWSPENDING']);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).VersionId).toBe(v1);
    expect((await client.send(new GetSecretValueCommand({ SecretId: name, VersionStage: 'AWSPENDING' }))).SecretString).toBe('p');
  });

  it(`PutSecretValue with VersionStages [AWSCURRENT, BLUE] moves both labels and AWSPREVIOUS follows${isMoto ? ' (moto 5.2 also leaves BLUE on its old version)' : ''}`, async () => {
    const name = unique('stagesput');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const v2 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', ClientRequestToken: tok(2), VersionStages: ['BLUE'] }))).VersionId!;
    const v3 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v3', ClientRequestToken: tok(3), VersionStages: ['AWSCURRENT', 'BLUE'] }))).VersionId!;
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(Object.fromEntries(Object.entries(d.VersionIdsToStages ?? {}).map(([k, v]) => [k, [...v].sort()]))).toEqual({
      [v1]: ['AWSPREVIOUS'],
      [v3]: ['AWSCURRENT', 'BLUE'],
      ...(isMoto ? { [v2]: ['BLUE'] } : {}),
    });
  });

  it(`ListSecretVersionIds and DescribeSecret of an unknown secret are ResourceNotFoundException${isMoto ? ' (moto 5.2: ListSecretVersionIds fails with an HTML 500)' : ''}`, async () => {
    const listed = await failure(client.send(new ListSecretVersionIdsCommand({ SecretId: unique('none') })));
    if (isMoto) expect(listed.$metadata?.httpStatusCode ?? (listed as { $response?: { statusCode?: number } }).$response?.statusCode).toBe(500);
    else expect(listed.name).toBe('ResourceNotFoundException');
    expect((await failure(client.send(new DescribeSecretCommand({ SecretId: unique('none') })))).name).toBe('ResourceNotFoundException');
  });

  it('PutSecretValue with a 31-character ClientRequestToken is InvalidParameterException', async () => {
    const name = unique('shorttoken');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    const err = await failure(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v', ClientRequestToken: 'x'.repeat(31) })));
    expect(err.name).toBe('InvalidParameterException');
  });

  it('PutSecretValue without a value is InvalidRequestException', async () => {
    const name = unique('novalue');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    expect((await failure(client.send(new PutSecretValueCommand({ SecretId: name })))).name).toBe('InvalidRequestException');
  });

  it(`UpdateSecretVersionStage: moving a held label needs RemoveFromVersionId; AWSCURRENT drags AWSPREVIOUS${isMoto ? ' (moto 5.2: GetSecretValue still returns the old version)' : ''}`, async () => {
    const name = unique('stage');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const v2 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }))).VersionId!;
    const missing = await failure(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v1 })));
    expect(missing.name).toBe('InvalidParameterException');
    const wrong = await failure(
      client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v2, RemoveFromVersionId: v1 })),
    );
    expect(wrong.name).toBe('InvalidParameterException');
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', MoveToVersionId: v1, RemoveFromVersionId: v2 }));
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT'], [v2]: ['AWSPREVIOUS'] });
    // AWS serves the version that now holds AWSCURRENT; moto 5.2 keeps serving the one it served before.
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe(isMoto ? 'v2' : 'v1');
  });

  it(`UpdateSecretVersionStage: a custom label joins the target; removing it leaves a deprecated version${isMoto ? ' (moto 5.2 lists it with [], ignores IncludeDeprecated and echoes the SecretId as ARN)' : ''}`, async () => {
    const name = unique('custom');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const v2 = (await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2', VersionStages: ['BLUE'], ClientRequestToken: tok(2) }))).VersionId!;
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'GREEN', MoveToVersionId: v1 }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages).toEqual({
      [v1]: ['AWSCURRENT', 'GREEN'],
      [v2]: ['BLUE'],
    });
    await client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'BLUE', RemoveFromVersionId: v2 }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).VersionIdsToStages).toEqual({ [v1]: ['AWSCURRENT', 'GREEN'], ...(isMoto ? { [v2]: [] } : {}) });
    const listed = await client.send(new ListSecretVersionIdsCommand({ SecretId: name }));
    expect(listed.Versions?.map((v) => v.VersionId).sort()).toEqual(isMoto ? [v1, v2].sort() : [v1]);
    const all = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, IncludeDeprecated: true }));
    expect(all.Versions?.map((v) => v.VersionId).sort()).toEqual([v1, v2].sort());
    if (isMoto) expect(all.ARN).toBe(name);
    else expect(all.ARN).toMatch(new RegExp(`:secret:${name}-`));
  });

  it(`UpdateSecretVersionStage removing AWSCURRENT without moving it: ${isMoto ? 'moto 5.2 accepts it (AWS: InvalidParameterException)' : 'InvalidParameterException'}`, async () => {
    const name = unique('keepcurrent');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }))).VersionId!;
    const call = client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'AWSCURRENT', RemoveFromVersionId: v1 }));
    if (isMoto) await expect(call).resolves.toHaveProperty('Name', name);
    else expect((await failure(call)).name).toBe('InvalidParameterException');
  });

  it('UpdateSecretVersionStage to an unknown version is InvalidParameterException', async () => {
    const name = unique('unknownversion');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    const err = await failure(client.send(new UpdateSecretVersionStageCommand({ SecretId: name, VersionStage: 'X', MoveToVersionId: tok(99) })));
    expect(err.name).toBe('InvalidParameterException');
  });

  // ------------------------------------------------------------------ UpdateSecret / tags / describe

  it('UpdateSecret: description alone creates no version; a value becomes AWSCURRENT with AWSPREVIOUS behind it', async () => {
    const name = unique('update');
    const v1 = (await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', Description: 'one' }))).VersionId!;
    const meta = await client.send(new UpdateSecretCommand({ SecretId: name, Description: 'two' }));
    expect(meta.VersionId).toBeUndefined();
    const withValue = await client.send(new UpdateSecretCommand({ SecretId: name, SecretString: 'v2' }));
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.Description).toBe('two');
    expect(d.VersionIdsToStages).toEqual({ [withValue.VersionId!]: ['AWSCURRENT'], [v1]: ['AWSPREVIOUS'] });
  });

  it('DescribeSecret omits rotation members for a secret never configured for rotation', async () => {
    const name = unique('norotation');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const d = await client.send(new DescribeSecretCommand({ SecretId: name }));
    expect(d.RotationEnabled).toBeUndefined();
    expect(d.RotationLambdaARN).toBeUndefined();
    expect(d.NextRotationDate).toBeUndefined();
    expect(d.DeletedDate).toBeUndefined();
    expect(d.CreatedDate).toBeInstanceOf(Date);
  });

  it('TagResource adds and overwrites, UntagResource removes (absent keys are no error)', async () => {
    const name = unique('tags');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }] }));
    await client.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'a', Value: '2' }, { Key: 'b', Value: '3' }] }));
    await client.send(new UntagResourceCommand({ SecretId: name, TagKeys: ['b', 'never'] }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).Tags).toEqual([{ Key: 'a', Value: '2' }]);
  });

  // ------------------------------------------------------------------ ListSecrets / BatchGetSecretValue

  describe('listing', () => {
    let prefix: string;
    beforeAll(async () => {
      prefix = `l${run}${target}`;
      await client.send(new CreateSecretCommand({ Name: `${prefix}/app/one`, SecretString: '1', Description: 'Payments database', Tags: [{ Key: 'env', Value: 'prod' }] }));
      await client.send(new CreateSecretCommand({ Name: `${prefix}/app/two`, SecretString: '2', Tags: [{ Key: 'env', Value: 'dev' }] }));
      await client.send(new CreateSecretCommand({ Name: `${prefix}/other/three`, SecretString: '3', Tags: [{ Key: 'team', Value: 'core' }] }));
    });
    const names = (list: { Name?: string }[] | undefined) => (list ?? []).map((s) => s.Name).sort();

    it('name filter is a prefix match and `!` negates it', async () => {
      const app = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${prefix}/app/`] }] }));
      expect(names(app.SecretList)).toEqual([`${prefix}/app/one`, `${prefix}/app/two`]);
      const notApp = await client.send(
        new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'name', Values: [`!${prefix}/app/`] }] }),
      );
      expect(names(notApp.SecretList)).toEqual([`${prefix}/other/three`]);
    });

    it('tag-key and tag-value filters', async () => {
      const env = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'tag-key', Values: ['env'] }] }));
      expect(names(env.SecretList)).toEqual([`${prefix}/app/one`, `${prefix}/app/two`]);
      const prod = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'tag-value', Values: ['prod'] }] }));
      expect(names(prod.SecretList)).toEqual([`${prefix}/app/one`]);
    });

    it('description filter ignores case', async () => {
      const out = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'description', Values: ['payments'] }] }));
      expect(names(out.SecretList)).toEqual([`${prefix}/app/one`]);
    });

    it('the all filter matches words of any attribute, ignoring case', async () => {
      const out = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'all', Values: ['PAYMENTS'] }] }));
      expect(names(out.SecretList)).toEqual([`${prefix}/app/one`]);
      const team = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [prefix] }, { Key: 'all', Values: ['core'] }] }));
      expect(names(team.SecretList)).toEqual([`${prefix}/other/three`]);
    });

    it('entries carry SecretVersionsToStages', async () => {
      const out = await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [`${prefix}/app/one`] }] }));
      expect(Object.values(out.SecretList?.[0]?.SecretVersionsToStages ?? {})).toEqual([['AWSCURRENT']]);
    });

    it('MaxResults pages with NextToken until every secret was seen', async () => {
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      do {
        const page = await client.send(new ListSecretsCommand({ MaxResults: 1, NextToken: next, Filters: [{ Key: 'name', Values: [prefix] }] }));
        seen.push(...(page.SecretList ?? []).map((s) => s.Name!));
        next = page.NextToken ?? undefined;
        pages++;
      } while (next && pages < 10);
      expect(seen.sort()).toEqual([`${prefix}/app/one`, `${prefix}/app/two`, `${prefix}/other/three`]);
      expect(pages).toBeGreaterThanOrEqual(3);
    });

    it(`SortBy name with SortOrder: ${isMoto ? 'moto 5.2 ignores both (same order either way)' : 'asc and desc give opposite orders'}`, async () => {
      const filter = [{ Key: 'name' as const, Values: [`${prefix}/app/`] }];
      const asc = await client.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'asc', Filters: filter }));
      const desc = await client.send(new ListSecretsCommand({ SortBy: 'name', SortOrder: 'desc', Filters: filter }));
      const ascNames = asc.SecretList?.map((s) => s.Name);
      if (isMoto) expect(desc.SecretList?.map((s) => s.Name)).toEqual(ascNames);
      else {
        expect(ascNames).toEqual([`${prefix}/app/one`, `${prefix}/app/two`]);
        expect(desc.SecretList?.map((s) => s.Name)).toEqual([`${prefix}/app/two`, `${prefix}/app/one`]);
      }
    });

    it('BatchGetSecretValue by filter returns AWSCURRENT values and pages with MaxResults', async () => {
      const all = await client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [`${prefix}/app/`] }] }));
      expect((all.SecretValues ?? []).map((v) => v.SecretString).sort()).toEqual(['1', '2']);
      const first = await client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [`${prefix}/app/`] }], MaxResults: 1 }));
      expect(first.SecretValues).toHaveLength(1);
      expect(first.NextToken).toBeTruthy();
      const second = await client.send(new BatchGetSecretValueCommand({ Filters: [{ Key: 'name', Values: [`${prefix}/app/`] }], MaxResults: 1, NextToken: first.NextToken }));
      expect(second.SecretValues?.[0]?.Name).not.toBe(first.SecretValues?.[0]?.Name);
    });
  });

  it('BatchGetSecretValue by ids: values for found secrets, per-secret Errors for the rest', async () => {
    const a = unique('batch-a');
    await client.send(new CreateSecretCommand({ Name: a, SecretString: 'A' }));
    const missing = unique('batch-missing');
    const out = await client.send(new BatchGetSecretValueCommand({ SecretIdList: [a, missing] }));
    expect(out.SecretValues?.map((v) => [v.Name, v.SecretString, v.VersionStages])).toEqual([[a, 'A', ['AWSCURRENT']]]);
    expect(out.Errors?.map((e) => [e.SecretId, e.ErrorCode])).toEqual([[missing, 'ResourceNotFoundException']]);
  });

  it('BatchGetSecretValue: ids together with filters, or MaxResults without filters, are InvalidParameterException', async () => {
    const both = await failure(client.send(new BatchGetSecretValueCommand({ SecretIdList: ['x'], Filters: [{ Key: 'name', Values: ['x'] }] })));
    expect(both.name).toBe('InvalidParameterException');
    const max = await failure(client.send(new BatchGetSecretValueCommand({ SecretIdList: ['x'], MaxResults: 1 })));
    expect(max.name).toBe('InvalidParameterException');
  });

  it(`BatchGetSecretValue with 21 ids: ${isMoto ? 'moto 5.2 accepts it (AWS allows at most 20)' : 'refused (ValidationException)'}`, async () => {
    const call = client.send(new BatchGetSecretValueCommand({ SecretIdList: Array.from({ length: 21 }, (_, i) => unique(`n${i}`)) }));
    if (isMoto) expect((await call).Errors).toHaveLength(21);
    else expect((await failure(call)).name).toBe('ValidationException');
  });

  it(`ListSecretVersionIds with MaxResults: ${isMoto ? 'moto 5.2 ignores it and returns every version' : 'pages with NextToken'}`, async () => {
    const name = unique('versions');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
    const page = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, MaxResults: 1 }));
    if (isMoto) {
      expect(page.Versions).toHaveLength(2);
    } else {
      expect(page.Versions).toHaveLength(1);
      const rest = await client.send(new ListSecretVersionIdsCommand({ SecretId: name, MaxResults: 1, NextToken: page.NextToken }));
      expect(rest.Versions).toHaveLength(1);
      expect(rest.NextToken).toBeUndefined();
      expect(rest.Versions?.[0]?.VersionId).not.toBe(page.Versions?.[0]?.VersionId);
    }
  });

  // ------------------------------------------------------------------ deletion

  it('DeleteSecret: recovery window 3 and window with force are InvalidParameterException', async () => {
    const name = unique('delparams');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    expect((await failure(client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 3 })))).name).toBe('InvalidParameterException');
    expect((await failure(client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 31 })))).name).toBe('InvalidParameterException');
    expect(
      (await failure(client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7, ForceDeleteWithoutRecovery: true })))).name,
    ).toBe('InvalidParameterException');
  });

  it('DeleteSecret with a window: reads are InvalidRequestException, listing hides it unless IncludePlannedDeletion, RestoreSecret brings it back', async () => {
    const name = unique('scheduled');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'keep' }));
    const del = await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    expect(del.DeletionDate!.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect((await failure(client.send(new GetSecretValueCommand({ SecretId: name })))).name).toBe('InvalidRequestException');
    expect((await failure(client.send(new UpdateSecretCommand({ SecretId: name, Description: 'x' })))).name).toBe('InvalidRequestException');
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeInstanceOf(Date);
    expect((await client.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }))).SecretList).toHaveLength(0);
    expect((await client.send(new ListSecretsCommand({ IncludePlannedDeletion: true, Filters: [{ Key: 'name', Values: [name] }] }))).SecretList).toHaveLength(1);
    expect((await failure(client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 })))).name).toBe('InvalidRequestException');
    await client.send(new RestoreSecretCommand({ SecretId: name }));
    expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).DeletedDate).toBeUndefined();
    expect((await client.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('keep');
  });

  it(`PutSecretValue on a secret scheduled for deletion: ${isMoto ? 'moto 5.2 accepts it (AWS: InvalidRequestException)' : 'InvalidRequestException'}`, async () => {
    const name = unique('putdeleted');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const call = client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'w' }));
    if (isMoto) await expect(call).resolves.toHaveProperty('VersionId');
    else expect((await failure(call)).name).toBe('InvalidRequestException');
  });

  it(`CreateSecret with the name of a secret scheduled for deletion: ${isMoto ? 'moto 5.2 answers ResourceExistsException (AWS: InvalidRequestException)' : 'InvalidRequestException'}`, async () => {
    const name = unique('recreate');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await client.send(new DeleteSecretCommand({ SecretId: name, RecoveryWindowInDays: 7 }));
    const err = await failure(client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' })));
    expect(err.name).toBe(isMoto ? 'ResourceExistsException' : 'InvalidRequestException');
  });

  it('ForceDeleteWithoutRecovery removes at once; force-deleting a missing secret is no error', async () => {
    const name = unique('force');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    await client.send(new DeleteSecretCommand({ SecretId: name, ForceDeleteWithoutRecovery: true }));
    expect((await failure(client.send(new GetSecretValueCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
    const missing = await client.send(new DeleteSecretCommand({ SecretId: unique('never'), ForceDeleteWithoutRecovery: true }));
    expect(missing.DeletionDate).toBeInstanceOf(Date);
  });

  // ------------------------------------------------------------------ rotation

  it(`RotateSecret without any rotation Lambda: ${isMoto ? 'moto 5.2 accepts it and moves AWSCURRENT to an empty version (AWS: InvalidRequestException)' : 'InvalidRequestException'}`, async () => {
    const name = unique('rotnolambda');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const call = client.send(new RotateSecretCommand({ SecretId: name }));
    if (isMoto) {
      await expect(call).resolves.toHaveProperty('VersionId');
      expect((await failure(client.send(new GetSecretValueCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
    } else {
      expect((await failure(call)).name).toBe('InvalidRequestException');
    }
  });

  it(`CancelRotateSecret on a secret without rotation: ${isMoto ? 'moto 5.2 answers InvalidRequestException (AWS documents no such error)' : 'succeeds and leaves rotation off'}`, async () => {
    const name = unique('cancel');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const call = client.send(new CancelRotateSecretCommand({ SecretId: name }));
    if (isMoto) expect((await failure(call)).name).toBe('InvalidRequestException');
    else {
      await expect(call).resolves.toHaveProperty('Name', name);
      expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).RotationEnabled).toBeUndefined();
    }
  });

  // ------------------------------------------------------------------ GetRandomPassword

  it('GetRandomPassword: 32 characters by default; options restrict the alphabet', async () => {
    expect((await client.send(new GetRandomPasswordCommand({}))).RandomPassword).toHaveLength(32);
    const pw = (
      await client.send(new GetRandomPasswordCommand({ PasswordLength: 40, ExcludePunctuation: true, ExcludeCharacters: 'aeiou', RequireEachIncludedType: true }))
    ).RandomPassword!;
    expect(pw).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(pw).not.toMatch(/[aeiou]/);
    expect(pw).toMatch(/[0-9]/);
  });

  it(`GetRandomPassword with PasswordLength 4097: ${isMoto ? 'moto 5.2 answers InvalidParameterValue (AWS: a validation error)' : 'ValidationException'}`, async () => {
    const err = await failure(client.send(new GetRandomPasswordCommand({ PasswordLength: 4097 })));
    expect(err.name).toBe(isMoto ? 'InvalidParameterValue' : 'ValidationException');
  });

  it(`GetRandomPassword excluding every character class: ${isMoto ? 'moto 5.2 fails with an HTML 500 (AWS: InvalidParameterException)' : 'InvalidParameterException'}`, async () => {
    const err = await failure(
      client.send(new GetRandomPasswordCommand({ ExcludeLowercase: true, ExcludeUppercase: true, ExcludeNumbers: true, ExcludePunctuation: true })),
    );
    if (isMoto) expect(err.$metadata?.httpStatusCode).toBe(500);
    else expect(err.name).toBe('InvalidParameterException');
  });

  // ------------------------------------------------------------------ raw protocol

  it(`a request without a required member: ${isMoto ? 'moto 5.2 answers an HTML 500 (AWS: a JSON 400 validation error)' : 'JSON ValidationException with HTTP 400'}`, async () => {
    const res = await raw(endpoint, 'GetSecretValue', '{}');
    if (isMoto) {
      expect(res.status).toBe(500);
      expect(res.json).toBeUndefined();
    } else {
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ __type: 'ValidationException', message: expect.any(String) });
      expect(res.headers.get('x-amzn-errortype')).toBe('ValidationException');
    }
  });

  it(`an unknown operation: ${isMoto ? 'moto 5.2 answers an HTML 500 (AWS: UnknownOperationException 400)' : 'UnknownOperationException with HTTP 400'}`, async () => {
    const res = await raw(endpoint, 'MakeCoffee', '{}');
    if (isMoto) expect(res.status).toBe(500);
    else {
      expect(res.status).toBe(400);
      expect(res.json?.__type).toBe('UnknownOperationException');
    }
  });

  it(`ListSecrets with a NextToken the server never issued: ${isMoto ? 'moto 5.2 answers an HTML 500 (AWS: InvalidNextTokenException)' : 'InvalidNextTokenException'}`, async () => {
    const res = await raw(endpoint, 'ListSecrets', '{"NextToken":"not-a-token"}');
    if (isMoto) expect(res.status).toBe(500);
    else {
      expect(res.status).toBe(400);
      expect(res.json?.__type).toBe('InvalidNextTokenException');
    }
  });

  it(`success responses: ${isMoto ? 'moto 5.2 says text/html (AWS: application/x-amz-json-1.1)' : 'application/x-amz-json-1.1'} with x-amzn-RequestId, no null members`, async () => {
    const name = unique('rawok');
    await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
    const res = await raw(endpoint, 'DescribeSecret', JSON.stringify({ SecretId: name }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-amzn-requestid')).toBeTruthy();
    if (isMoto) {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(Object.values(res.json ?? {})).toContain(null);
    } else {
      expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
      expect(Object.values(res.json ?? {})).not.toContain(null);
      expect(typeof res.json?.CreatedDate).toBe('number');
    }
  });

  // ------------------------------------------------------------------ fidelity additions

  it('BatchGetSecretValue answers "Errors": [] when nothing failed (ids and filters)', async () => {
    const a = unique('batch-ok');
    await client.send(new CreateSecretCommand({ Name: a, SecretString: 'A' }));
    const byIds = await raw(endpoint, 'BatchGetSecretValue', JSON.stringify({ SecretIdList: [a] }));
    expect(byIds.json?.Errors).toEqual([]);
    const byFilter = await raw(endpoint, 'BatchGetSecretValue', JSON.stringify({ Filters: [{ Key: 'name', Values: [a] }] }));
    expect(byFilter.json?.Errors).toEqual([]);
  });

  it(`CreateSecret with 51 tags or a duplicate tag key: ${isMoto ? 'moto 5.2 accepts both (AWS refuses them)' : 'refused'}`, async () => {
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const many = client.send(new CreateSecretCommand({ Name: unique('tags51'), SecretString: 'v', Tags: tags }));
    const dup = client.send(new CreateSecretCommand({ Name: unique('tagsdup'), SecretString: 'v', Tags: [{ Key: 'a', Value: '1' }, { Key: 'a', Value: '2' }] }));
    if (isMoto) {
      await expect(many).resolves.toHaveProperty('ARN');
      await expect(dup).resolves.toHaveProperty('ARN');
    } else {
      expect((await failure(many)).name).toBe('ValidationException');
      expect((await failure(dup)).name).toBe('InvalidParameterException');
    }
  });

  describe('resource policies', () => {
    const policy = (principal: unknown, condition?: unknown) =>
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: principal, Action: 'secretsmanager:GetSecretValue', Resource: '*', ...(condition ? { Condition: condition } : {}) }] });
    const scoped = policy({ AWS: 'arn:aws:iam::123456789012:role/app' });

    it('Put stores the document, Get returns it, Delete removes it', async () => {
      const name = unique('policy');
      const { ARN } = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      expect((await client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBeUndefined();
      await expect(client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: scoped }))).resolves.toMatchObject({ ARN, Name: name });
      const got = await client.send(new GetResourcePolicyCommand({ SecretId: name }));
      expect(got).toMatchObject({ ARN, Name: name });
      expect(JSON.parse(got.ResourcePolicy!)).toEqual(JSON.parse(scoped));
      await expect(client.send(new DeleteResourcePolicyCommand({ SecretId: name }))).resolves.toMatchObject({ ARN, Name: name });
      expect((await client.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy).toBeUndefined();
    });

    it(`Put with BlockPublicPolicy and Principal "*": ${isMoto ? 'moto 5.2 stores it (AWS: PublicPolicyException)' : 'PublicPolicyException'}; without the flag it is stored`, async () => {
      const name = unique('public');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      const blocked = client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy('*'), BlockPublicPolicy: true }));
      if (isMoto) await expect(blocked).resolves.toHaveProperty('Name', name);
      else expect((await failure(blocked)).name).toBe('PublicPolicyException');
      await expect(client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: policy('*') }))).resolves.toHaveProperty('Name', name);
    });

    it(`Put with a document that is not JSON: ${isMoto ? 'moto 5.2 stores it (AWS: MalformedPolicyDocumentException)' : 'MalformedPolicyDocumentException'}`, async () => {
      const name = unique('malformed');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v' }));
      const put = client.send(new PutResourcePolicyCommand({ SecretId: name, ResourcePolicy: '{"Statement": [' }));
      if (isMoto) await expect(put).resolves.toHaveProperty('Name', name);
      else expect((await failure(put)).name).toBe('MalformedPolicyDocumentException');
    });

    it(`Validate: a scoped policy passes with no findings; a public one fails with findings {CheckName, ErrorMessage}${isMoto ? ' (moto 5.2 does not implement it: HTML 500)' : ''}`, async () => {
      if (isMoto) {
        expect((await failure(client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: scoped })))).$metadata?.httpStatusCode).toBe(500);
        return;
      }
      const ok = await client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: scoped }));
      expect(ok.PolicyValidationPassed).toBe(true);
      expect(ok.ValidationErrors ?? []).toEqual([]);
      const pub = await client.send(new ValidateResourcePolicyCommand({ ResourcePolicy: policy('*') }));
      expect(pub.PolicyValidationPassed).toBe(false);
      expect(pub.ValidationErrors).toEqual([{ CheckName: expect.any(String), ErrorMessage: expect.stringContaining('Principal') }]);
    });

    it('Get, Put and Delete on an unknown secret are ResourceNotFoundException', async () => {
      const missing = unique('nopolicy');
      for (const call of [
        () => client.send(new GetResourcePolicyCommand({ SecretId: missing })),
        () => client.send(new PutResourcePolicyCommand({ SecretId: missing, ResourcePolicy: scoped })),
        () => client.send(new DeleteResourcePolicyCommand({ SecretId: missing })),
      ]) {
        expect((await failure(call())).name).toBe('ResourceNotFoundException');
      }
    });
  });

  describe('replication', () => {
    let west: SecretsManagerClient;
    beforeAll(() => {
      west = clientFor(endpoint, { region: 'eu-west-1' });
    });
    afterAll(() => west?.destroy());

    it('CreateSecret with AddReplicaRegions: the replica has the same name, the ARN differs only in region, PrimaryRegion names the primary', async () => {
      const name = unique('repl');
      const out = await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      expect(out.ReplicationStatus).toEqual([expect.objectContaining({ Region: 'eu-west-1', Status: 'InSync' })]);
      const replica = await west.send(new DescribeSecretCommand({ SecretId: name }));
      expect(replica.ARN).toBe(out.ARN!.replace(':us-east-1:', ':eu-west-1:'));
      expect(replica.PrimaryRegion).toBe('us-east-1');
      expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
      const primary = await client.send(new DescribeSecretCommand({ SecretId: name }));
      expect(primary.ReplicationStatus?.map((r) => [r.Region, r.Status])).toEqual([['eu-west-1', 'InSync']]);
    });

    it('a new value on the primary reaches the replica', async () => {
      const name = unique('repl-sync');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'v2' }));
      expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v2');
    });

    it('writes to a replica are refused (InvalidParameterException: replicas are read-only)', async () => {
      const name = unique('repl-ro');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      expect((await failure(west.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'from-replica' })))).name).toBe('InvalidParameterException');
      expect((await failure(west.send(new TagResourceCommand({ SecretId: name, Tags: [{ Key: 'k', Value: 'v' }] })))).name).toBe('InvalidParameterException');
      expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
    });

    it('ReplicateSecretToRegions, then RemoveRegionsFromReplication deletes the replica', async () => {
      const name = unique('repl-add');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1' }));
      const added = await client.send(new ReplicateSecretToRegionsCommand({ SecretId: name, AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      expect(added.ReplicationStatus?.map((r) => r.Region)).toEqual(['eu-west-1']);
      expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('v1');
      const removed = await client.send(new RemoveRegionsFromReplicationCommand({ SecretId: name, RemoveReplicaRegions: ['eu-west-1'] }));
      expect(removed.ReplicationStatus ?? []).toEqual([]);
      expect((await failure(west.send(new DescribeSecretCommand({ SecretId: name })))).name).toBe('ResourceNotFoundException');
    });

    it(`StopReplicationToReplica promotes the replica to a standalone secret${isMoto ? ' (moto 5.2 does not implement it: HTML 500)' : ''}`, async () => {
      const name = unique('repl-stop');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      if (isMoto) {
        expect((await failure(west.send(new StopReplicationToReplicaCommand({ SecretId: name })))).$metadata?.httpStatusCode).toBe(500);
        return;
      }
      await west.send(new StopReplicationToReplicaCommand({ SecretId: name }));
      const promoted = await west.send(new DescribeSecretCommand({ SecretId: name }));
      expect(promoted.PrimaryRegion ?? 'eu-west-1').toBe('eu-west-1');
      await west.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'own' }));
      expect((await west.send(new GetSecretValueCommand({ SecretId: name }))).SecretString).toBe('own');
      expect((await client.send(new DescribeSecretCommand({ SecretId: name }))).ReplicationStatus ?? []).toEqual([]);
    });

    it('deleting a primary that still has replicas is InvalidParameterException', async () => {
      const name = unique('repl-del');
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'v1', AddReplicaRegions: [{ Region: 'eu-west-1' }] }));
      for (const input of [{ ForceDeleteWithoutRecovery: true }, { RecoveryWindowInDays: 7 }]) {
        expect((await failure(client.send(new DeleteSecretCommand({ SecretId: name, ...input })))).name).toBe('InvalidParameterException');
      }
    });
  });

  it(`quotas: a burst past the ListSecrets quota (scaled down) ${isMoto ? 'succeeds in moto 5.2 (no quotas; AWS: ThrottlingException)' : 'gets ThrottlingException (HTTP 400) in quotas mode'}`, async () => {
    let target = endpoint;
    let stopQuota: (() => Promise<void>) | undefined;
    if (!isMoto) {
      const q = await startEmulator({ port: 0, quotas: { scale: 0.01 } }); // ListSecrets: 1/s
      target = q.endpoint;
      stopQuota = () => q.stop();
    }
    const c = clientFor(target);
    try {
      const results = await Promise.allSettled(Array.from({ length: 5 }, () => c.send(new ListSecretsCommand({ MaxResults: 1 }))));
      const throttled = results.filter((r) => r.status === 'rejected');
      if (isMoto) expect(throttled).toEqual([]);
      else {
        expect(throttled.length).toBeGreaterThan(0);
        const err = (throttled[0] as PromiseRejectedResult).reason as Error & { $metadata?: { httpStatusCode?: number } };
        expect(err.name).toBe('ThrottlingException');
        expect(err.$metadata?.httpStatusCode).toBe(400);
      }
    } finally {
      c.destroy();
      await stopQuota?.();
    }
  });
});
