import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';

/** How often due subscriptions are rolled over. */
export const ROLLOVER_EVERY_MS = 60_000;

/** Registers the repeating rollover; one schedule in Redis whatever the process count. */
@Injectable()
export class RolloverSchedule implements OnApplicationBootstrap {
  constructor(@InjectTypedQueue('billing') private readonly queue: TypedQueue<'billing'>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.raw.upsertJobScheduler(
      'rollover',
      { every: ROLLOVER_EVERY_MS },
      { name: 'rollover', data: { organizationId: null } },
    );
  }
}
