import { Processor } from '@nestjs/bullmq';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { NotificationDelivery } from '../notification-delivery.service';

/** The `notifications` queue: subscriber `notifications` (`notify`) and the daily retention job. */
@Processor('notifications', workerOptions)
export class NotificationsProcessor extends TypedWorkerHost<'notifications'> {
  readonly queue = 'notifications' as const;

  constructor(private readonly delivery: NotificationDelivery) {
    super();
  }

  protected readonly handlers: JobHandlers<'notifications'> = {
    notify: (job: TypedJob<'notifications', 'notify'>) => this.delivery.deliver(job.data.event),
    // Platform-wide (payload `organizationId: null`): the retention applies to every organization.
    prune: () => this.delivery.prune(),
  };
}
