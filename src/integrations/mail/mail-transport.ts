import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { OutboundAddressGuard } from '@/common/outbound/outbound-address';
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
  private readonly guard: OutboundAddressGuard;

  constructor(@InjectConfig() config: AppConfig) {
    const { smtpUrl, from } = config.integrations.mail;
    this.from = from;
    this.guard = new OutboundAddressGuard({ allowPrivateNetworks: config.integrations.outbound.allowPrivateNetworks });
    this.transporter = smtpUrl ? nodemailer.createTransport(smtpOptions(smtpUrl)) : undefined;
  }

  /** Whether `SMTP_URL` is set. */
  get enabled(): boolean {
    return this.transporter !== undefined;
  }

  /**
   * Sends now, through `SMTP_URL`, or through `via` (an organization's `smtp` connection: its
   * host must pass the outbound address policy; its `from` is the default sender). Throws
   * `MailNotConfigured` when mail is off and there is no `via`, or the SMTP server's refusal.
   */
  async send(
    message: MailMessage,
    via?: { url: string; from?: string },
  ): Promise<{ messageId: string; accepted: number }> {
    if (via) {
      const [address] = await this.guard.resolveAllowed(new URL(via.url).hostname);
      const transporter = nodemailer.createTransport(smtpOptions(via.url, address!.address));
      try {
        return await this.sendWith(transporter, { ...message, from: message.from ?? via.from });
      } finally {
        transporter.close();
      }
    }
    if (!this.transporter) throw new MailNotConfigured();
    return this.sendWith(this.transporter, message);
  }

  private async sendWith(transporter: Transporter, message: MailMessage) {
    const info = (await transporter.sendMail({
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
