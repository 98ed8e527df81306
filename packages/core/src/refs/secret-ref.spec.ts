import { InvalidSecretReferenceError } from '../errors/invalid-secret-reference.error.js';
import { formatSecretRef, parseSecretRef } from './secret-ref.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf';
const VID = '01234567-89ab-cdef-0123-456789abcdef';

describe('parseSecretRef', () => {
  it.each([
    ['app/db', { secretId: 'app/db' }],
    ['prod/stripe_key+v2=x.y@z-1', { secretId: 'prod/stripe_key+v2=x.y@z-1' }],
    ['app/db:password', { secretId: 'app/db', jsonKey: 'password' }],
    ['app/db:password:AWSPREVIOUS', { secretId: 'app/db', jsonKey: 'password', versionStage: 'AWSPREVIOUS' }],
    [`app/db::AWSPENDING:${VID}`, { secretId: 'app/db', versionStage: 'AWSPENDING', versionId: VID }],
    [`app/db:::${VID}`, { secretId: 'app/db', versionId: VID }],
    ['app/db:::', { secretId: 'app/db' }],
    [ARN, { secretId: ARN }],
    [`${ARN}:password`, { secretId: ARN, jsonKey: 'password' }],
    [`${ARN}:password:AWSCURRENT:${VID}`, { secretId: ARN, jsonKey: 'password', versionStage: 'AWSCURRENT', versionId: VID }],
    [`${ARN}::AWSPREVIOUS`, { secretId: ARN, versionStage: 'AWSPREVIOUS' }],
    ['arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x', { secretId: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:x' }],
    [{ name: 'app/db', jsonKey: 'user' }, { secretId: 'app/db', jsonKey: 'user' }],
    [{ arn: ARN, versionStage: 'AWSPENDING' }, { secretId: ARN, versionStage: 'AWSPENDING' }],
    [{ secretId: 'a', jsonKey: '', versionStage: '' }, { secretId: 'a' }],
  ])('parses %j', (input, expected) => {
    const ref = parseSecretRef(input);
    expect(ref).toEqual(expected);
    expect(Object.isFrozen(ref)).toBe(true);
  });

  it.each([
    ['', /empty/],
    [' app/db', /whitespace/],
    ['app db', /secret name/],
    [':password', /name is empty/],
    ['app/db:a:b:c:d', /too many/],
    ['app/db:pass word', /secret name|JSON key/],
    ['app/db::AWS CURRENT', /version stage|secret name/],
    ['app/db:::short-id', /version id/],
    ['arn:aws:ssm:us-east-1:123456789012:parameter/x', /Secrets Manager ARN|ARN has the form/],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret', /ARN has the form/],
    ['arn:aws:secretsmanager:us-east-1:12345:secret:x', /Secrets Manager ARN/],
    ['arn:aws:secretsmanager:us-east-1:123456789012:secret:', /Secrets Manager ARN/],
    [`${ARN}:k:s:${VID}:extra`, /too many/],
    ['x'.repeat(513), /secret name/],
    [{ name: 'a', arn: ARN }, /only one/],
    [{ jsonKey: 'k' }, /name is empty/],
    [{ secretId: 42 as unknown as string }, /must be a string/],
  ])('rejects %j', (input, reason) => {
    expect(() => parseSecretRef(input as never)).toThrow(InvalidSecretReferenceError);
    expect(() => parseSecretRef(input as never)).toThrow(reason);
  });

  it('names the input and the accepted forms in the error', () => {
    expect(() => parseSecretRef('app/db:a:b:c:d')).toThrow('Invalid secret reference "app/db:a:b:c:d"');
    try {
      parseSecretRef('bad name');
    } catch (e) {
      expect((e as InvalidSecretReferenceError).name).toBe('InvalidSecretReferenceError');
      expect((e as Error).message).toContain('name:json-key:version-stage:version-id');
    }
    expect.assertions(3);
  });

  it('formats back to the ECS form', () => {
    expect(formatSecretRef(parseSecretRef(`${ARN}::AWSPREVIOUS`))).toBe(`${ARN}::AWSPREVIOUS`);
    expect(formatSecretRef(parseSecretRef('app/db:::'))).toBe('app/db');
    expect(formatSecretRef(parseSecretRef(`a:k:AWSCURRENT:${VID}`))).toBe(`a:k:AWSCURRENT:${VID}`);
  });
});
