import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';

/** Registers (or updates) the repeating prune job; one schedule in Redis whatever the process count. */
@Injectable()
export class PruneSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(PruneSchedule.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @InjectTypedQueue('executions') private readonly queue: TypedQueue<'executions'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.raw.upsertJobScheduler(
      'prune-sessions',
      { pattern: this.config.executions.pruneCron },
      { name: 'prune-sessions', data: { organizationId: null } },
    );
    this.logger.log(
      `Session pruning scheduled (${this.config.executions.pruneCron}, keep ${this.config.executions.retentionDays} days, ` +
        `unanswered ones ${this.config.executions.unansweredRetentionHours} hours)`,
    );
  }
}
