import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiSecrets } from '../secrets/api-secrets.js';

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

  /** The claims of a valid token; throws for anything else. */
  async verify(token: string): Promise<AccessTokenClaims> {
    const header = this.kidOf(token);
    let key = this.keyFor(header);
    if (!key && (await this.secrets.jwt.refreshAfterRejection())) key = this.keyFor(header);
    if (!key) throw new Error('token signed with an unknown key');
    return this.jwt.verifyAsync<AccessTokenClaims>(token, { secret: key, algorithms: ['HS256'], issuer: JwtKeysService.ISSUER });
  }

  private kidOf(token: string): string | undefined {
    const decoded = this.jwt.decode(token, { complete: true }) as { header?: { kid?: unknown } } | null;
    return typeof decoded?.header?.kid === 'string' ? decoded.header.kid : undefined;
  }

  private keyFor(kid: string | undefined): string | undefined {
    if (!kid) return undefined;
    const current = this.secrets.jwt.current().key;
    if (keyIdOf(current) === kid) return current;
    const previous = this.secrets.jwt.previous()?.key;
    return previous !== undefined && keyIdOf(previous) === kid ? previous : undefined;
  }
}
