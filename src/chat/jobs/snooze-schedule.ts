import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';

/** How often the sweep reopens due snoozes (each snooze also has a delayed job of its own). */
export const SNOOZE_SWEEP_EVERY_MS = 60_000;

/** Registers the repeating snooze sweep; one schedule in Redis whatever the process count. */
@Injectable()
export class SnoozeSchedule implements OnApplicationBootstrap {
  constructor(@InjectTypedQueue('chat') private readonly queue: TypedQueue<'chat'>) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.raw.upsertJobScheduler(
      'reopen-snoozed',
      { every: SNOOZE_SWEEP_EVERY_MS },
      { name: 'reopen-snoozed', data: { organizationId: null } },
    );
  }
}
