import { Module } from '@nestjs/common';
import { MailerService } from './mailer.service.js';
import { NotificationsController } from './notifications.controller.js';

@Module({ controllers: [NotificationsController], providers: [MailerService] })
export class NotificationsModule {}
