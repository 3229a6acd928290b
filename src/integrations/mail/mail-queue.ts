import { Injectable } from '@nestjs/common';
import type { TypedQueue } from '@/queue/typed-queue';
import { InjectTypedQueue } from '@/queue/typed-queue';
import type { MailMessage } from './mail-message';
import { MailTransport } from './mail-transport';

/** Retries of a mail job (exponential backoff from 2 s: about a minute in all). */
export const MAIL_ATTEMPTS = 5;

/** Enqueues mail (`mail.send` jobs), sent by a worker through `MailTransport`, with retries. */
@Injectable()
export class MailQueue {
  constructor(
    @InjectTypedQueue('mail') private readonly queue: TypedQueue<'mail'>,
    private readonly transport: MailTransport,
  ) {}

  get enabled(): boolean {
    return this.transport.enabled;
  }

  /**
   * `jobId` makes a retried caller harmless (one mail per id); BullMQ refuses `:` in ids.
   * `connectionId`: an `smtp` connection of the organization to send through; `attempts`: instead
   * of `MAIL_ATTEMPTS` (notifications: `NOTIFICATION_EMAIL_ATTEMPTS`). Throws
   * `DependencyUnavailable('redis')` when the queue cannot be reached.
   */
  async enqueue(
    organizationId: string | null,
    message: MailMessage,
    jobId: string,
    options: { connectionId?: string; attempts?: number } = {},
  ): Promise<void> {
    await this.queue.add(
      'send',
      { organizationId, message, ...(options.connectionId ? { connectionId: options.connectionId } : {}) },
      {
        jobId: jobId.replace(/:/g, '-'),
        attempts: options.attempts ?? MAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2_000 },
      },
    );
  }
}
