import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { AuthController } from './auth.controller.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';
import { JwtKeysService } from './jwt-keys.service.js';
import { UsersService } from './users.service.js';

/** Tokens signed with the rotating JWT key (keys are passed per call, never configured statically). */
@Global()
@Module({
  imports: [JwtModule.register({})],
  controllers: [AuthController],
  providers: [UsersService, JwtKeysService, JwtAuthGuard],
  exports: [JwtKeysService, JwtAuthGuard],
})
export class AuthModule {}
