import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createRotatingClient, credentialsFromSecretHandle, type RotatingClient } from '@keyturn/core/connections';
import { createTransport, type Transporter } from 'nodemailer';
import { ApiSecrets } from '../secrets/api-secrets.js';
import type { SmtpSecret } from '../secrets/secret-shapes.js';

/** What the relay answered. */
export interface SentMail {
  readonly messageId: string;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
}

/**
 * Sends mail through the SMTP relay named by the SMTP secret. Keyturn's `RotatingClient` builds a
 * new transporter when the secret rotates (mails in flight finish on the old one); a login the
 * relay refuses forces one refresh of the secret and one retry.
 */
@Injectable()
export class MailerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MailerService.name);
  private rotating: RotatingClient<Transporter, SmtpSecret> | undefined;

  constructor(private readonly secrets: ApiSecrets) {}

  async onApplicationBootstrap(): Promise<void> {
    this.rotating = await createRotatingClient<Transporter, SmtpSecret>(credentialsFromSecretHandle(this.secrets.handles.smtp), {
      create: (value) => createTransport(this.transportOptions(value)),
      dispose: (transporter) => transporter.close(),
      logger: new Logger('Mailer'),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rotating?.close();
  }

  async send(to: string, subject: string, text: string): Promise<SentMail> {
    try {
      return await this.sendOnce(to, subject, text);
    } catch (err) {
      if (!this.isAuthFailure(err)) throw err;
      this.logger.warn(`SMTP login refused for ${this.secrets.handles.smtp.secretId}; refreshing the secret and retrying`);
      await this.secrets.smtp.refreshAfterRejection();
      await this.client().rebuild();
      return this.sendOnce(to, subject, text);
    }
  }

  private client(): RotatingClient<Transporter, SmtpSecret> {
    if (!this.rotating) throw new Error(`SMTP transporter for ${this.secrets.handles.smtp.secretId} is not ready before application bootstrap`);
    return this.rotating;
  }

  private async sendOnce(to: string, subject: string, text: string): Promise<SentMail> {
    const from = this.secrets.smtp.current().from;
    const info = (await this.client().use((transporter) => transporter.sendMail({ from, to, subject, text }))) as { messageId: string };
    return { messageId: info.messageId };
  }

  private isAuthFailure(err: unknown): boolean {
    const e = err as SmtpError;
    return e?.code === 'EAUTH' || e?.responseCode === 535;
  }

  private transportOptions(value: SmtpSecret) {
    return {
      host: value.host,
      port: value.port,
      secure: value.port === 465,
      auth: { user: value.username, pass: value.password },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      logger: false,
    };
  }
}
