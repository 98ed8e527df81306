import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
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
 * Sends mail through the SMTP relay named by the SMTP secret. The transporter is rebuilt when the
 * secret rotates; a login refused by the relay forces one refresh of the secret and one retry.
 */
@Injectable()
export class MailerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MailerService.name);
  private transporter: Transporter | undefined;
  private builtFromVersion: string | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly secrets: ApiSecrets) {}

  onApplicationBootstrap(): void {
    this.build();
    this.unsubscribe = this.secrets.smtp.onRotation(() => this.build());
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.transporter?.close();
  }

  async send(to: string, subject: string, text: string): Promise<SentMail> {
    try {
      return await this.sendOnce(to, subject, text);
    } catch (err) {
      if (!this.isAuthFailure(err)) throw err;
      this.logger.warn(`SMTP login refused for ${this.secrets.smtp.secretId}; refreshing the secret and retrying`);
      await this.secrets.smtp.refreshAfterRejection();
      this.build();
      return this.sendOnce(to, subject, text);
    }
  }

  private async sendOnce(to: string, subject: string, text: string): Promise<SentMail> {
    const transporter = this.build();
    const from = this.secrets.smtp.current().from;
    const info = (await transporter.sendMail({ from, to, subject, text })) as { messageId: string };
    return { messageId: info.messageId };
  }

  private isAuthFailure(err: unknown): boolean {
    const e = err as SmtpError;
    return e?.code === 'EAUTH' || e?.responseCode === 535;
  }

  private build(): Transporter {
    const value = this.secrets.smtp.current();
    const versionId = this.secrets.smtp.versionId();
    if (this.transporter && versionId === this.builtFromVersion) return this.transporter;
    // Not pooled: every mail opens its own authenticated connection, so mails in flight finish on the
    // old transporter and nothing needs closing.
    this.transporter = createTransport(this.transportOptions(value));
    this.builtFromVersion = versionId;
    return this.transporter;
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
