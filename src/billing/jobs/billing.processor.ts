import { Processor } from '@nestjs/bullmq';
import { type JobHandlers, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { SubscriptionRollover } from '../subscription-rollover';

/** Billing's jobs: the period rollover. */
@Processor('billing', workerOptions)
export class BillingProcessor extends TypedWorkerHost<'billing'> {
  readonly queue = 'billing' as const;

  constructor(private readonly rollover: SubscriptionRollover) {
    super();
  }

  protected readonly handlers: JobHandlers<'billing'> = {
    rollover: async () => ({ rolledOver: await this.rollover.run() }),
  };
}
