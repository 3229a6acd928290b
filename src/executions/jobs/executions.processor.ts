import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { SessionsRepository } from '../sessions.repository';
import { SessionsService } from '../sessions.service';

@Processor('executions', workerOptions)
export class ExecutionsProcessor extends TypedWorkerHost<'executions'> {
  readonly queue = 'executions' as const;
  private readonly logger = new Logger(ExecutionsProcessor.name);

  constructor(
    private readonly sessions: SessionsService,
    private readonly repository: SessionsRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  protected readonly handlers: JobHandlers<'executions'> = {
    idle: (job: TypedJob<'executions', 'idle'>) => this.sessions.idle(job.data.sessionId, job.data.turn),
    'prune-sessions': async () => {
      const cutoff = new Date(Date.now() - this.config.executions.retentionDays * 86_400_000);
      const deleted = await this.repository.pruneBefore(cutoff);
      this.logger.log(`Pruned ${deleted} session(s) idle since before ${cutoff.toISOString()}`);
      return { deleted, cutoff: cutoff.toISOString() };
    },
  };
}
