import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { MailProcessor } from './mail.processor';
import { MailQueue } from './mail-queue';
import { MailTransport } from './mail-transport';

/**
 * Outbound mail: `MailTransport` (nodemailer, `SMTP_URL`, `MAIL_FROM`) and `MailQueue` (the `mail`
 * queue, sent by workers). Global: the flow's send-email block and notifications use it.
 */
@Module({})
export class MailModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MailModule,
      global: true,
      providers: [MailTransport, MailQueue, ...workerProviders(config, [MailProcessor])],
      exports: [MailTransport, MailQueue],
    };
  }
}
