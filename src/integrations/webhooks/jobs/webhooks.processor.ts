import { Processor } from '@nestjs/bullmq';
import { asOrganizationId } from '@/access/organization-id';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { WebhookDeliverer } from '../webhook-deliverer';
import { webhookWorkerOptions } from './webhook-worker-options';

/** The `webhooks` queue: fan-out of domain events (subscriber `webhooks`) and deliveries. */
@Processor('webhooks', webhookWorkerOptions)
export class WebhooksProcessor extends TypedWorkerHost<'webhooks'> {
  readonly queue = 'webhooks' as const;

  constructor(private readonly deliverer: WebhookDeliverer) {
    super();
  }

  protected readonly handlers: JobHandlers<'webhooks'> = {
    fanout: async (job: TypedJob<'webhooks', 'fanout'>) => ({
      deliveries: await this.deliverer.fanout(job.data.event),
    }),
    deliver: async (job: TypedJob<'webhooks', 'deliver'>) => ({
      outcome: await this.deliverer.deliver(
        asOrganizationId(job.data.organizationId),
        job.data.deliveryId,
        job.attemptsMade + 1,
      ),
    }),
  };
}
