import { mask } from './output';
import { requestToken } from './request-token';
import { parseJsonSafely } from './secret-json';

describe('requestToken', () => {
  it('is a stable UUID-shaped token that changes with secret, base version and content', () => {
    const t = requestToken('app/db', 'v1', '{"a":"1"}');
    expect(t).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(requestToken('app/db', 'v1', '{"a":"1"}')).toBe(t);
    expect(new Set([t, requestToken('app/db2', 'v1', '{"a":"1"}'), requestToken('app/db', 'v2', '{"a":"1"}'), requestToken('app/db', 'v1', '{"a":"2"}'), requestToken('app/db', undefined, '{"a":"1"}')]).size).toBe(5);
  });
});

describe('masking and safe JSON parsing', () => {
  it('masks with the length only', () => {
    expect(mask('s3cr3t-value')).toBe('••••••• (12 chars)');
    expect(mask(new Uint8Array(3))).toBe('••••••• (3 bytes)');
  });

  it('reports a parse position without quoting the input', () => {
    const r = parseJsonSafely('{"password": hunter2}');
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});
