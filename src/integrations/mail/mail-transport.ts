import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { type AppConfig, InjectConfig } from '@/config';
import type { MailMessage } from './mail-message';
import { smtpOptions } from './smtp-options';

/** Mail is off: `SMTP_URL` is not set. */
export class MailNotConfigured extends Error {
  constructor() {
    super('mail is not configured (SMTP_URL)');
    this.name = 'MailNotConfigured';
  }
}

/**
 * The installation's one mail transport (nodemailer over `SMTP_URL`, sender `MAIL_FROM`). The
 * send-email block and notifications use it, through the `mail` queue (`MailQueue`) so a send
 * never blocks a chat turn, or directly. `SMTP_URL` is the operator's, so it is not subject to the
 * outbound address policy (a local relay is the usual setup).
 */
@Injectable()
export class MailTransport implements OnModuleDestroy {
  private readonly logger = new Logger(MailTransport.name);
  private readonly transporter: Transporter | undefined;
  private readonly from: string;

  constructor(@InjectConfig() config: AppConfig) {
    const { smtpUrl, from } = config.integrations.mail;
    this.from = from;
    this.transporter = smtpUrl ? nodemailer.createTransport(smtpOptions(smtpUrl)) : undefined;
  }

  /** Whether `SMTP_URL` is set. */
  get enabled(): boolean {
    return this.transporter !== undefined;
  }

  /** Sends now; throws `MailNotConfigured` when mail is off, or the SMTP server's refusal. */
  async send(message: MailMessage): Promise<{ messageId: string; accepted: number }> {
    if (!this.transporter) throw new MailNotConfigured();
    const info = (await this.transporter.sendMail({
      from: message.from ?? this.from,
      to: [...message.to],
      ...(message.cc?.length ? { cc: [...message.cc] } : {}),
      ...(message.bcc?.length ? { bcc: [...message.bcc] } : {}),
      ...(message.replyTo ? { replyTo: message.replyTo } : {}),
      subject: message.subject,
      ...(message.text !== undefined ? { text: message.text } : {}),
      ...(message.html !== undefined ? { html: message.html } : {}),
    })) as { messageId: string; accepted: unknown[] };
    this.logger.log(`Mail ${info.messageId} sent to ${info.accepted.length} recipient(s)`);
    return { messageId: info.messageId, accepted: info.accepted.length };
  }

  onModuleDestroy(): void {
    this.transporter?.close();
  }
}
