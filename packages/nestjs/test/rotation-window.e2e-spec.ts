import 'reflect-metadata';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { IsString, MinLength } from 'class-validator';
import { CreateSecretCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startTestEmulator, testClientConfig, type TestEmulator } from '@keyturn/testing';
import { InjectSecret, RotationWindow, SecretsModule, defineSecret, type SecretHandle, type SecretType } from '@keyturn/nestjs';

class SigningKey {
  @IsString() kid!: string;
  @IsString() @MinLength(32) key!: string;
}
const SIGNING_KEY = defineSecret('auth/signing-key', { schema: SigningKey });

/** A compact HS256 token: base64url(header).base64url(claims).base64url(HMAC-SHA256). */
function sign(key: string, claims: Record<string, unknown>): string {
  const body = `${Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
}

class SignatureMismatchError extends Error {}

@Injectable()
class TokenVerifier implements OnApplicationBootstrap, OnApplicationShutdown {
  window!: RotationWindow<SecretType<typeof SIGNING_KEY>>;

  constructor(@InjectSecret(SIGNING_KEY) readonly handle: SecretHandle<SecretType<typeof SIGNING_KEY>>) {}

  async onApplicationBootstrap(): Promise<void> {
    this.window = await RotationWindow.open(this.handle, { minForcedRefreshIntervalMs: 0 });
  }

  onApplicationShutdown(): void {
    this.window.close();
  }

  /** The claims and the id of the key that signed them. */
  verify(token: string): Promise<{ claims: Record<string, unknown>; kid: string }> {
    const [header, payload, signature] = token.split('.');
    return this.window.verify(({ kid, key }) => {
      const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest();
      const given = Buffer.from(signature ?? '', 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new SignatureMismatchError('signature matches no signing key');
      return { claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>, kid };
    });
  }
}

describe('RotationWindow in a SecretsModule app over Secrets Manager (emulatorServer)', () => {
  let emulatorServer: TestEmulator;
  let admin: SecretsManagerClient;
  const apps: TestingModule[] = [];
  const newKey = (kid: string) => ({ kid, key: randomBytes(32).toString('base64url') });
  const put = (value: unknown) => admin.send(new PutSecretValueCommand({ SecretId: SIGNING_KEY.secretId, SecretString: JSON.stringify(value) }));

  async function boot(): Promise<TokenVerifier> {
    const cfg = testClientConfig(emulatorServer.endpoint);
    const moduleRef = await Test.createTestingModule({
      imports: [SecretsModule.forRoot({ endpoint: cfg.endpoint, region: cfg.region, credentials: cfg.credentials, logger: false }), SecretsModule.forFeature(SIGNING_KEY)],
      providers: [TokenVerifier],
    }).compile();
    await moduleRef.init();
    apps.push(moduleRef);
    return moduleRef.get(TokenVerifier);
  }

  beforeAll(async () => {
    emulatorServer = await startTestEmulator();
    admin = new SecretsManagerClient(testClientConfig(emulatorServer.endpoint));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    admin?.destroy();
    await emulatorServer?.stop();
  });

  it('accepts tokens of the previous key after a rotation, of the new key, and refuses a foreign key after one forced refresh', async () => {
    const v1 = newKey('v1');
    await admin.send(new CreateSecretCommand({ Name: SIGNING_KEY.secretId, SecretString: JSON.stringify(v1) }));
    const verifier = await boot();
    expect(verifier.window.previous()).toBeUndefined(); // never rotated: no AWSPREVIOUS
    const oldToken = sign(v1.key, { sub: 'alice' });
    await expect(verifier.verify(oldToken)).resolves.toEqual({ claims: { sub: 'alice' }, kid: 'v1' });

    const v2 = newKey('v2');
    await put(v2);
    await verifier.handle.refresh({ force: true }); // stands in for the background refresh (due after the TTL)
    expect(verifier.window.current().kid).toBe('v2');
    const refresh = jest.spyOn(verifier.handle, 'refresh');

    await expect(verifier.verify(oldToken)).resolves.toEqual({ claims: { sub: 'alice' }, kid: 'v1' }); // via previous
    await expect(verifier.verify(sign(v2.key, { sub: 'bob' }))).resolves.toEqual({ claims: { sub: 'bob' }, kid: 'v2' }); // via current
    expect(refresh).not.toHaveBeenCalled();

    // A rotation this instance has not picked up yet: one forced refresh finds the new key.
    const v3 = newKey('v3');
    await put(v3);
    await expect(verifier.verify(sign(v3.key, { sub: 'carol' }))).resolves.toEqual({ claims: { sub: 'carol' }, kid: 'v3' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(verifier.window.candidates().map((k) => k.kid)).toEqual(['v3', 'v2']);

    refresh.mockClear();
    const forged = sign(newKey('x').key, { sub: 'mallory' });
    await expect(verifier.verify(forged)).rejects.toThrow(SignatureMismatchError);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(refresh).toHaveBeenCalledWith({ force: true });
    expect(verifier.window.current().kid).toBe('v3');
  });

  it('after a restart inside the rotation window, still accepts the previous key (read from AWSPREVIOUS)', async () => {
    const verifier = await boot();
    expect(verifier.window.candidates().map((k) => k.kid)).toEqual(['v3', 'v2']);
    const previousKey = verifier.window.previous()!.key;
    const refresh = jest.spyOn(verifier.handle, 'refresh');
    await expect(verifier.verify(sign(previousKey, { sub: 'dave' }))).resolves.toEqual({ claims: { sub: 'dave' }, kid: 'v2' });
    expect(refresh).not.toHaveBeenCalled();
    expect(JSON.stringify(verifier.window)).not.toContain(previousKey);
  });
});
