import { inspect } from 'node:util';
import { SecretVersion } from './secret-version';
import { UpstreamError } from './errors/upstream-error';

describe('SecretVersion', () => {
  const value = JSON.stringify({ username: 'app', password: 'canary-7f3a9b' });
  const v = new SecretVersion('db/app', 'v-1', ['AWSCURRENT'], value, 'AWSCURRENT');

  it('gives the value only through text() and json()', () => {
    expect(v.text()).toBe(value);
    expect(v.json().password).toBe('canary-7f3a9b');
  });

  it('never prints the value', () => {
    for (const out of [String(v), `${v}`, JSON.stringify(v), inspect(v), inspect({ nested: v }, { depth: 5 })]) {
      expect(out).not.toContain('canary-7f3a9b');
      expect(out).toContain('v-1');
    }
  });

  it('reports a non-JSON value without quoting it', () => {
    const bad = new SecretVersion('db/app', 'v-2', ['AWSPENDING'], 'canary-not-json', 'AWSPENDING');
    expect(() => bad.json()).toThrow(/db\/app \(AWSPENDING, version v-2\) is not valid JSON/);
    try {
      bad.json();
    } catch (e) {
      expect(inspect(e, { depth: 5 })).not.toContain('canary-not-json');
    }
  });
});

describe('UpstreamError', () => {
  it('keeps name, code and message without the secrets or the failed command', () => {
    const original = Object.assign(new Error("ERR Error in ACL SETUSER modifier '>canary-pw': Syntax error"), {
      name: 'ReplyError',
      code: 'ERR',
      command: { name: 'acl', args: ['SETUSER', 'app', '>canary-pw'] },
    });
    const copy = UpstreamError.from(original, ['canary-pw', undefined]);
    expect(copy.upstreamName).toBe('ReplyError');
    expect(copy.code).toBe('ERR');
    expect(copy.message).toContain('[redacted]');
    expect(inspect(copy, { depth: 5, showHidden: true })).not.toContain('canary-pw');
  });
});
