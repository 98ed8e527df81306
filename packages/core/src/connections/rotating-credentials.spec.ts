import type { CredentialsSource, CredentialsVersion } from './credentials-source.js';
import { CredentialsRejectedError } from './errors/credentials-rejected.error.js';
import { createRotatingCredentials } from './rotating-credentials.js';

type Creds = { user: string; password: string };

/** A secret whose AWSCURRENT / AWSPENDING are set by the test; the "server" accepts `accepted`. */
class FakeSecret implements CredentialsSource<Creds> {
  readonly secretId = 'db/main';
  cached: CredentialsVersion<Creds> = { versionId: 'v1', stage: 'AWSCURRENT', value: { user: 'app', password: 'p1' } };
  remote = this.cached;
  pendingVersion?: CredentialsVersion<Creds>;
  unavailable = false;
  refreshes = 0;
  pendingUsed: string[] = [];
  events: unknown[] = [];
  connectionEvent(e: unknown) {
    this.events.push(e);
  }
  pendingInUse(p: { versionId: string; stage: string }) {
    this.pendingUsed.push(`${p.versionId}:${p.stage}`);
  }
  current() {
    return this.cached;
  }
  async refresh() {
    this.refreshes += 1;
    if (this.unavailable) throw Object.assign(new Error('connect ECONNREFUSED'), { name: 'SecretUnavailableError' });
    const changed = this.remote.versionId !== this.cached.versionId;
    this.cached = this.remote;
    return changed;
  }
  async pending() {
    if (this.unavailable) throw new Error('unavailable');
    return this.pendingVersion;
  }
  onChange() {
    return () => undefined;
  }
}

const authError = () => Object.assign(new Error('password authentication failed for user "app"'), { code: '28P01' });
const authCode = (e: unknown) => ((e as { code?: string }).code === '28P01' ? '28P01' : undefined);

function setup(budgetMs = 2_000) {
  const secret = new FakeSecret();
  const credentials = createRotatingCredentials<Creds>(secret, {
    parse: (v) => v as Creds,
    describeUser: (c) => c.user,
    service: 'PostgreSQL',
    retry: { budgetMs, initialBackoffMs: 5, maxBackoffMs: 20 },
  });
  let accepted = 'p1';
  const attempts: string[] = [];
  const connect = () =>
    credentials.withRetry(async (s) => {
      attempts.push(`${s.versionId}:${s.stage}`);
      if (s.credentials.password !== accepted) throw authError();
      return s.credentials.password;
    }, authCode);
  return { secret, credentials, connect, attempts, accept: (p: string) => (accepted = p) };
}

describe('RotatingCredentials', () => {
  it('reports each rejected attempt as a connection retry (system and code, no credentials)', async () => {
    const { secret, connect, accept } = setup();
    accept('p2');
    secret.pendingVersion = { versionId: 'v2', stage: 'AWSPENDING', value: { user: 'app', password: 'p2' } };
    await expect(connect()).resolves.toBe('p2');
    expect(secret.events).toEqual([{ type: 'retry', system: 'postgresql', code: '28P01' }]);
  });

  it('uses AWSCURRENT while it is accepted', async () => {
    const { connect, attempts, secret } = setup();
    expect(await connect()).toBe('p1');
    expect(attempts).toEqual(['v1:AWSCURRENT']);
    expect(secret.refreshes).toBe(0);
  });

  it('picks up a moved AWSCURRENT after a rejection (forced refresh)', async () => {
    const { connect, attempts, secret, accept } = setup();
    secret.remote = { versionId: 'v2', stage: 'AWSCURRENT', value: { user: 'app_clone', password: 'p2' } };
    accept('p2');
    expect(await connect()).toBe('p2');
    expect(attempts).toEqual(['v1:AWSCURRENT', 'v2:AWSCURRENT']);
    expect(secret.pendingUsed).toEqual([]);
  });

  it('tries AWSPENDING when AWSCURRENT is rejected and has not moved, and keeps using it until AWSCURRENT moves', async () => {
    const { connect, attempts, secret, accept, credentials } = setup();
    secret.pendingVersion = { versionId: 'v2', stage: 'AWSPENDING', value: { user: 'app', password: 'p2' } };
    accept('p2');
    expect(await connect()).toBe('p2');
    expect(await connect()).toBe('p2');
    expect(attempts).toEqual(['v1:AWSCURRENT', 'v2:AWSPENDING', 'v2:AWSPENDING']);
    // An unfinished rotation: reported once, when AWSPENDING first authenticated.
    expect(secret.pendingUsed).toEqual(['v2:AWSPENDING']);
    secret.remote = { ...secret.pendingVersion, stage: 'AWSCURRENT' };
    await secret.refresh();
    expect(credentials.select()).toMatchObject({ versionId: 'v2', stage: 'AWSCURRENT' });
  });

  it('shares one recovery between concurrent rejections', async () => {
    const { connect, secret, accept } = setup();
    secret.pendingVersion = { versionId: 'v2', stage: 'AWSPENDING', value: { user: 'app', password: 'p2' } };
    accept('p2');
    expect(await Promise.all(Array.from({ length: 8 }, connect))).toEqual(Array(8).fill('p2'));
    expect(secret.refreshes).toBe(1);
  });

  it('keeps retrying with what it has while Secrets Manager is unreachable', async () => {
    const { connect, secret, accept } = setup();
    secret.unavailable = true;
    accept('p2');
    const result = connect();
    setTimeout(() => {
      secret.unavailable = false;
      secret.remote = { versionId: 'v2', stage: 'AWSCURRENT', value: { user: 'app', password: 'p2' } };
    }, 50);
    expect(await result).toBe('p2');
    expect(secret.refreshes).toBeGreaterThan(1);
  });

  it('gives up after the budget with an error naming the secret and user, never the password', async () => {
    const { connect, secret } = setup(100);
    secret.cached = secret.remote = { versionId: 'v1', stage: 'AWSCURRENT', value: { user: 'app', password: 'canary-pw' } };
    const error = await connect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect((error as Error).message).toMatch(/PostgreSQL rejected the credentials from secret "db\/main" \(user "app"\) for \d+ ms \(28P01\)/);
    expect((error as Error).message).not.toContain('canary-pw');
    expect((error as CredentialsRejectedError).secretId).toBe('db/main');
  });

  it('passes other errors through at once', async () => {
    const { credentials } = setup();
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    await expect(credentials.withRetry(() => Promise.reject(refused), authCode)).rejects.toBe(refused);
  });
});
