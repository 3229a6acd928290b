import { asOrganizationId } from '@/access/organization-id';
import { Processor } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { SessionsRepository } from '../sessions.repository';
import { SessionsService } from '../sessions.service';

/** How far back before the unanswered cutoff a prune run looks. */
const UNANSWERED_SCAN_MS = 7 * 86_400_000;

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
    // The payload's organization was the session's when the turn scheduled it: proven.
    idle: (job: TypedJob<'executions', 'idle'>) =>
      this.sessions.idle(asOrganizationId(job.data.organizationId), job.data.sessionId, job.data.turn),
    // Platform-wide (payload `organizationId: null`): retention applies to every organization.
    'prune-sessions': async () => {
      const { retentionDays, unansweredRetentionHours } = this.config.executions;
      const now = Date.now();
      const cutoff = new Date(now - retentionDays * 86_400_000);
      const deleted = await this.repository.pruneBefore(cutoff);
      // Sessions nobody answered (most of a flood) go much sooner. Only the last week before their
      // cutoff is scanned each run; anything older is caught by the retention cutoff.
      const unansweredCutoff = new Date(now - unansweredRetentionHours * 3_600_000);
      const floor = new Date(Math.max(cutoff.getTime(), unansweredCutoff.getTime() - UNANSWERED_SCAN_MS));
      const unanswered =
        unansweredCutoff > cutoff ? await this.repository.pruneUnansweredBefore(unansweredCutoff, floor) : 0;
      this.logger.log(
        `Pruned ${deleted} session(s) idle since before ${cutoff.toISOString()} and ${unanswered} unanswered ` +
          `since before ${unansweredCutoff.toISOString()}`,
      );
      return { deleted, cutoff: cutoff.toISOString(), unanswered, unansweredCutoff: unansweredCutoff.toISOString() };
    },
  };
}
