import { Body, Controller, Get, HttpCode, Post, Req, UnauthorizedException, UseGuards } from '@nestjs/common';
import { JwtAuthGuard, type AuthenticatedRequest } from './jwt-auth.guard.js';
import { JwtKeysService } from './jwt-keys.service.js';
import { TokenRequestDto } from './token-request.dto.js';
import { UsersService } from './users.service.js';

@Controller('auth')
export class AuthController {
  constructor(
    private readonly users: UsersService,
    private readonly keys: JwtKeysService,
  ) {}

  /** Exchanges a username and password for a bearer token. */
  @Post('token')
  @HttpCode(200)
  async token(@Body() body: TokenRequestDto) {
    const user = await this.users.authenticate(body.username, body.password);
    if (!user) throw new UnauthorizedException('Unknown user or wrong password');
    const { token, expiresIn } = await this.keys.sign({ sub: user.id, username: user.username });
    return { accessToken: token, tokenType: 'Bearer', expiresIn };
  }

  /** Who the bearer token belongs to. */
  @Get('me')
  @UseGuards(JwtAuthGuard)
  me(@Req() req: AuthenticatedRequest) {
    return { id: req.user.sub, username: req.user.username };
  }
}
