import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { MailTransport } from './mail-transport';

/** Sends queued mail; a send that fails after every retry is logged (no visitor sees it). */
@Processor('mail', workerOptions)
export class MailProcessor extends TypedWorkerHost<'mail'> {
  readonly queue = 'mail' as const;
  private readonly logger = new Logger(MailProcessor.name);

  constructor(private readonly transport: MailTransport) {
    super();
  }

  protected readonly handlers: JobHandlers<'mail'> = {
    send: async (job: TypedJob<'mail', 'send'>) => this.transport.send(job.data.message),
  };

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    this.logger.error(
      `Mail job ${job.id ?? '?'} (organization ${String((job.data as { organizationId?: unknown }).organizationId)}) ` +
        // SMTP refusals quote addresses: personal data stays out of the logs.
        `failed after ${job.attemptsMade} attempt(s): ${error.message.replace(/[^\s<>@"']+@[^\s<>@"']+/g, '[address]')}`,
    );
  }
}
