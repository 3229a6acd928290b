import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type Job, UnrecoverableError } from 'bullmq';
import { asOrganizationId } from '@/access/organization-id';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { WebhookDeliverer } from '../webhook-deliverer';
import { RetryDeliveryError } from '../webhook-retry';
import { webhookWorkerOptions } from './webhook-worker-options';

/** The `webhooks` queue: fan-out of domain events (subscriber `webhooks`) and deliveries. */
@Processor('webhooks', webhookWorkerOptions)
export class WebhooksProcessor extends TypedWorkerHost<'webhooks'> {
  readonly queue = 'webhooks' as const;
  private readonly logger = new Logger(WebhooksProcessor.name);

  constructor(private readonly deliverer: WebhookDeliverer) {
    super();
  }

  /** Failed attempts of a delivery are in its row; anything else (a database error) is logged. */
  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    if (error instanceof RetryDeliveryError || error instanceof UnrecoverableError) return;
    this.logger.warn(`Job ${job?.name ?? '?'} ${job?.id ?? '?'} failed: ${error.message}`);
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
