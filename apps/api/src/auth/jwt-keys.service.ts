import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiSecrets } from '../secrets/api-secrets.js';
import { UnknownSigningKeyError } from './unknown-signing-key.error.js';

/** Claims of the API's access tokens. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
}

/** Key id: a short SHA-256 fingerprint of the key (identifies it without revealing it). */
export function keyIdOf(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 16);
}

/**
 * Signs tokens with the current key (its fingerprint as `kid`) and verifies them against the
 * current and the previous key, so tokens issued just before a rotation stay valid.
 */
@Injectable()
export class JwtKeysService {
  static readonly ISSUER = 'keyturn-payments-api';
  static readonly TTL_SECONDS = 900;

  constructor(
    private readonly secrets: ApiSecrets,
    private readonly jwt: JwtService,
  ) {}

  async sign(claims: AccessTokenClaims): Promise<{ token: string; expiresIn: number; kid: string }> {
    const { key } = this.secrets.jwt.current();
    const kid = keyIdOf(key);
    const token = await this.jwt.signAsync(claims, {
      secret: key,
      algorithm: 'HS256',
      keyid: kid,
      issuer: JwtKeysService.ISSUER,
      expiresIn: JwtKeysService.TTL_SECONDS,
    });
    return { token, expiresIn: JwtKeysService.TTL_SECONDS, kid };
  }

  /**
   * The claims of a valid token; throws for anything else. The key is chosen by the token's `kid`
   * among the current and previous signing keys (Keyturn's `RotationWindow`); an unknown `kid`
   * forces one rate-limited refresh of the secret (a rotation not picked up yet) before it is refused.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    const kid = this.kidOf(token);
    if (!kid) throw new UnknownSigningKeyError();
    const key = await this.secrets.jwt.verify(({ key }) => {
      if (keyIdOf(key) !== kid) throw new UnknownSigningKeyError();
      return key;
    });
    return this.jwt.verifyAsync<AccessTokenClaims>(token, { secret: key, algorithms: ['HS256'], issuer: JwtKeysService.ISSUER });
  }

  private kidOf(token: string): string | undefined {
    const decoded = this.jwt.decode(token, { complete: true }) as { header?: { kid?: unknown } } | null;
    return typeof decoded?.header?.kid === 'string' ? decoded.header.kid : undefined;
  }
}
