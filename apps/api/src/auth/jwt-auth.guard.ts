import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { JwtKeysService, type AccessTokenClaims } from './jwt-keys.service.js';

/** Request with the verified token claims attached by {@link JwtAuthGuard}. */
export interface AuthenticatedRequest extends Request {
  user: AccessTokenClaims;
}

/** Requires `Authorization: Bearer <token>` signed with the current or previous JWT key. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(private readonly keys: JwtKeysService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header) : null;
    if (!match) throw new UnauthorizedException('Missing bearer token');
    try {
      req.user = await this.keys.verify(match[1]);
    } catch {
      throw new UnauthorizedException('Invalid or expired token');
    }
    return true;
  }
}
