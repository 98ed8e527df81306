import { encodeInvalidationMessage, MAX_INVALIDATION_MESSAGE_BYTES, parseInvalidationMessage } from './invalidation-message';

const V = 'a1b2c3d4-0000-4000-8000-123456789abc';

describe('invalidation messages', () => {
  it('round-trips a message with the optional fields', () => {
    const m = { secretId: 'app/prod/db', versionId: V, region: 'eu-west-1', origin: 'i-0abc:42' };
    expect(parseInvalidationMessage(encodeInvalidationMessage(m))).toEqual({ ok: true, message: m });
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app/prod/db-AbCdEf';
    expect(parseInvalidationMessage(JSON.stringify({ secretId: arn, versionId: V }))).toEqual({ ok: true, message: { secretId: arn, versionId: V } });
  });

  it.each([
    ['not JSON', 'hello', 'not-json'],
    ['an array', '[]', 'not-an-object'],
    ['null', 'null', 'not-an-object'],
    ['a value in it', JSON.stringify({ secretId: 'app/db', versionId: V, value: 'hunter2' }), 'unknown-field'],
    ['no version', JSON.stringify({ secretId: 'app/db' }), 'missing-field'],
    ['a short version id', JSON.stringify({ secretId: 'app/db', versionId: 'v2' }), 'bad-field'],
    ['a version id with spaces', JSON.stringify({ secretId: 'app/db', versionId: `${V} ; rm` }), 'bad-field'],
    ['a number as id', JSON.stringify({ secretId: 42, versionId: V }), 'bad-field'],
    ['a secret id with a newline', JSON.stringify({ secretId: 'app/db\nforged log line', versionId: V }), 'bad-field'],
    ['an empty secret id', JSON.stringify({ secretId: '', versionId: V }), 'bad-field'],
    ['a bad region', JSON.stringify({ secretId: 'app/db', versionId: V, region: 'mars' }), 'bad-field'],
    ['a prototype key', '{"secretId":"app/db","versionId":"' + V + '","__proto__":{"x":1}}', 'unknown-field'],
    ['too large', JSON.stringify({ secretId: 'a'.repeat(MAX_INVALIDATION_MESSAGE_BYTES), versionId: V }), 'too-large'],
  ])('refuses %s', (_name, raw, reason) => {
    const parsed = parseInvalidationMessage(raw);
    expect(parsed).toMatchObject({ ok: false, reason });
    expect(JSON.stringify(parsed)).not.toContain('hunter2');
  });

  it('refuses an id longer than Secrets Manager allows (2048), and a version id over 64 characters', () => {
    expect(parseInvalidationMessage(JSON.stringify({ secretId: 'a'.repeat(2049), versionId: V }))).toMatchObject({ ok: false, reason: 'bad-field', field: 'secretId' });
    expect(parseInvalidationMessage(JSON.stringify({ secretId: 'a', versionId: 'v'.repeat(65) }))).toMatchObject({ ok: false, reason: 'bad-field', field: 'versionId' });
  });

  it('will not send what receivers would refuse, and names the field', () => {
    expect(() => encodeInvalidationMessage({ secretId: 'app/db', versionId: 'short' })).toThrow(/"app\/db".*bad-field \(versionId\)/);
  });
});
