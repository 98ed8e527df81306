import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { RateLimitGuard } from '../redis/rate-limit.guard.js';
import { MailerService } from './mailer.service.js';
import { SendEmailDto } from './send-email.dto.js';

@Controller('notifications')
@UseGuards(JwtAuthGuard, RateLimitGuard)
export class NotificationsController {
  constructor(private readonly mailer: MailerService) {}

  /** Sends one plain-text email through the SMTP relay. */
  @Post('email')
  @HttpCode(202)
  async email(@Body() body: SendEmailDto) {
    const sent = await this.mailer.send(body.to, body.subject, body.text);
    return { accepted: true, messageId: sent.messageId };
  }
}
