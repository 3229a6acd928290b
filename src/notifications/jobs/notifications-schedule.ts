import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';

/** Every day at 03:40 (server time). */
export const NOTIFICATIONS_PRUNE_PATTERN = '40 3 * * *';

/** Registers (or updates) the daily retention job; one schedule in Redis whatever the process count. */
@Injectable()
export class NotificationsSchedule implements OnApplicationBootstrap {
  constructor(@InjectTypedQueue('notifications') private readonly queue: TypedQueue<'notifications'>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.raw.upsertJobScheduler(
      'prune-notifications',
      { pattern: NOTIFICATIONS_PRUNE_PATTERN },
      { name: 'prune', data: { organizationId: null } },
    );
  }
}
