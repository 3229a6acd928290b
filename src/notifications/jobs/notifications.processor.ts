import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { NotificationDelivery } from '../notification-delivery.service';

/** The `notifications` queue: subscriber `notifications` (`notify`) and the daily retention job. */
@Processor('notifications', workerOptions)
export class NotificationsProcessor extends TypedWorkerHost<'notifications'> {
  readonly queue = 'notifications' as const;
  private readonly logger = new Logger(NotificationsProcessor.name);

  constructor(private readonly delivery: NotificationDelivery) {
    super();
  }

  protected readonly handlers: JobHandlers<'notifications'> = {
    notify: (job: TypedJob<'notifications', 'notify'>) => this.delivery.deliver(job.data.event),
    // Platform-wide (payload `organizationId: null`): the retention applies to every organization.
    prune: () => this.delivery.prune(),
  };

  /** A job that failed for good (a retried one is not worth a line). Never the payload: events carry tokens. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return;
    this.logger.error(`Job ${job.name} ${job.id ?? '?'} failed after ${job.attemptsMade} attempt(s): ${error.message}`);
  }
}
