import { Readable } from 'node:stream';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AwsSecretsManagerSource } from './aws-secrets-manager.source.js';

type Handler = (op: string, input: Record<string, any>) => unknown;

/** A real SDK client whose HTTP layer is replaced by `handler` (below Keyturn's call counter). */
function fakeAws(handler: Handler, opts: ConstructorParameters<typeof AwsSecretsManagerSource>[0] = {}) {
  const client = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' }, maxAttempts: 1 });
  const source = new AwsSecretsManagerSource({ client, ...opts });
  void source.client; // installs the counting middleware first
  const inputs: { op: string; input: any }[] = [];
  client.middlewareStack.add(
    (_next, ctx) => async (args: any) => {
      const op = String(ctx.commandName).replace(/Command$/, '');
      const input = bodyOf(args.request.body);
      inputs.push({ op, input });
      return { output: { $metadata: {}, ...(handler(op, input) as object) }, response: {} };
    },
    { step: 'finalizeRequest', priority: 'low', name: 'fakeHttp' },
  );
  return { client, source, inputs };
}

const bodyOf = (b: unknown): any => JSON.parse(typeof b === 'string' ? b : new TextDecoder().decode(b as Uint8Array));
const entry = (name: string) => ({ Name: name, ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`, VersionId: `v-${name}-0000000000000000000000000000`, SecretString: `val-${name}`, VersionStages: ['AWSCURRENT'] });
const awsError = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const ids = (n: number) => Array.from({ length: n }, (_, i) => `s${i}`);

describe('AwsSecretsManagerSource', () => {
  it('chunks ids by 20, follows NextToken and maps Errors[] per secret', async () => {
    const { source, inputs, client } = fakeAws((op, input) => {
      if (op !== 'BatchGetSecretValue') throw new Error('unexpected');
      const list: string[] = input.SecretIdList;
      if (list.includes('s0') && !input.NextToken) return { SecretValues: list.slice(0, 5).map(entry), NextToken: 'page2' };
      if (input.NextToken === 'page2') return { SecretValues: list.slice(5).filter((i) => i !== 's7').map(entry), Errors: [{ SecretId: 's7', ErrorCode: 'ResourceNotFoundException', Message: 'not found' }] };
      return { SecretValues: list.map(entry) };
    });
    const requests = ids(45).map((secretId) => ({ secretId }));
    const results = await source.fetch(requests);
    const batchInputs = inputs.map((i) => i.input.SecretIdList.length);
    expect(batchInputs.sort()).toEqual([20, 20, 20, 5]); // the first chunk twice (two pages)
    expect(inputs.filter((i) => i.input.NextToken === 'page2')).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(44);
    const s7 = results[7];
    expect(!s7.ok && [s7.error.name, s7.error.code]).toEqual(['SecretNotFoundError', 'ResourceNotFoundException']);
    expect(!s7.ok && s7.error.message).toContain('secretsmanager:BatchGetSecretValue');
    expect(source.apiCalls()).toEqual({ BatchGetSecretValue: 4 });
    client.destroy();
  });

  it('matches ids given as partial ARNs and full ARNs', async () => {
    const { source, client } = fakeAws(() => ({ SecretValues: [entry('a'), entry('b')] }));
    const partial = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:a';
    const full = entry('b').ARN;
    const [a, b] = await source.fetch([{ secretId: partial }, { secretId: full }]);
    expect(a.ok && a.value.text()).toBe('val-a');
    expect(b.ok && b.value.secretId).toBe(full);
    client.destroy();
  });

  it.each([
    ['AccessDeniedException', 400],
    ['UnknownOperationException', 400],
    ['InvalidAction', 400],
    ['SomeGatewayError', 404],
  ])('falls back to GetSecretValue for good after %s (%d) on BatchGetSecretValue', async (name, status) => {
    const { source, inputs, client } = fakeAws((op, input) => {
      if (op === 'BatchGetSecretValue') throw awsError(name, status);
      return entry(input.SecretId);
    });
    const first = await source.fetch([{ secretId: 'a' }, { secretId: 'b' }]);
    expect(first.every((r) => r.ok)).toBe(true);
    expect(source.batchRefusal).toBe(name);
    await source.fetch([{ secretId: 'a' }, { secretId: 'b' }]);
    expect(inputs.map((i) => i.op)).toEqual(['BatchGetSecretValue', 'GetSecretValue', 'GetSecretValue', 'GetSecretValue', 'GetSecretValue']);
    client.destroy();
  });

  it('reads the ids of a throttled BatchGetSecretValue with GetSecretValue at once: the SDK does not retry the batch', async () => {
    // The SDK's own HTTP layer replaced at the request handler, so its retry strategy (3 attempts,
    // throttling retried) and error deserialization run as against AWS.
    const sent: string[] = [];
    const respond = (statusCode: number, body: object, headers: Record<string, string> = {}) => ({
      response: { statusCode, headers: { 'content-type': 'application/x-amz-json-1.1', ...headers }, body: Readable.from([Buffer.from(JSON.stringify(body))]) },
    });
    const client = new SecretsManagerClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 't', secretAccessKey: 't' },
      maxAttempts: 3,
      requestHandler: {
        handle: async (request: { headers: Record<string, string>; body: string }) => {
          const op = String(request.headers['x-amz-target']).split('.')[1];
          sent.push(op);
          if (op === 'BatchGetSecretValue') return respond(400, { __type: 'ThrottlingException', message: 'Rate exceeded' }, { 'x-amzn-errortype': 'ThrottlingException' });
          return respond(200, entry(JSON.parse(String(request.body)).SecretId));
        },
      } as never,
    });
    const source = new AwsSecretsManagerSource({ client });
    const results = await source.fetch([{ secretId: 'a' }, { secretId: 'b' }]);
    expect(results.map((r) => r.ok && r.value.text())).toEqual(['val-a', 'val-b']);
    expect(sent).toEqual(['BatchGetSecretValue', 'GetSecretValue', 'GetSecretValue']);
    expect(source.apiCalls()).toEqual({ BatchGetSecretValue: 1, GetSecretValue: 2 });
    expect(source.batchRefusal).toBeUndefined();
    client.destroy();
  });

  it('a transient failure of a whole batch fails each secret as transient without dropping batching', async () => {
    let fail = true;
    const { source, client } = fakeAws(() => {
      if (fail) throw awsError('ThrottlingException', 400);
      return { SecretValues: [entry('a'), entry('b')] };
    });
    const results = await source.fetch([{ secretId: 'a' }, { secretId: 'b' }]);
    expect(results.map((r) => !r.ok && r.error.transient)).toEqual([true, true]);
    expect(source.batchRefusal).toBeUndefined();
    fail = false;
    expect((await source.fetch([{ secretId: 'a' }, { secretId: 'b' }])).every((r) => r.ok)).toBe(true);
    client.destroy();
  });

  it('uses GetSecretValue for stages and version ids, and for a single id in auto mode', async () => {
    const { source, inputs, client } = fakeAws((op, input) => ({ ...entry(input.SecretId), VersionStages: [input.VersionStage ?? 'AWSCURRENT'] }));
    await source.fetch([{ secretId: 'a', versionStage: 'AWSPENDING' }, { secretId: 'b', versionId: '0123456789abcdef0123456789abcdef' }]);
    await source.fetch([{ secretId: 'c' }]);
    expect(inputs).toEqual([
      { op: 'GetSecretValue', input: { SecretId: 'a', VersionStage: 'AWSPENDING' } },
      { op: 'GetSecretValue', input: { SecretId: 'b', VersionId: '0123456789abcdef0123456789abcdef' } },
      { op: 'GetSecretValue', input: { SecretId: 'c' } },
    ]);
    client.destroy();
  });

  it('limits calls in flight to `concurrency`', async () => {
    let inFlight = 0;
    let peak = 0;
    const client = new SecretsManagerClient({ region: 'us-east-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const source = new AwsSecretsManagerSource({ client, batch: 'never', concurrency: 3 });
    client.middlewareStack.add(
      () => async (args: any) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return { output: { $metadata: {}, ...entry(bodyOf(args.request.body).SecretId) }, response: {} };
      },
      { step: 'finalizeRequest', priority: 'low', name: 'slowFake' },
    );
    const results = await source.fetch(ids(10).map((secretId) => ({ secretId })));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(peak).toBe(3);
    await source.destroy();
    client.destroy();
  });
});
