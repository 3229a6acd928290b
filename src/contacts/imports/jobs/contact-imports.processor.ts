import { OnWorkerEvent, Processor } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import { isLastAttempt, type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { ContactImportRunner } from '../contact-import.runner';

/**
 * Runs contact imports, one at a time per worker process (an import streams a whole file; two
 * at once would only share the same two cores). A retried job resumes the merge or restarts
 * the validation (`ContactImportRunner`); after its last attempt the import is marked failed.
 * A job that BullMQ itself fails, without the handler running (it stalled more than
 * `QUEUE_MAX_STALLED_COUNT` times: its workers died), is marked failed by the `failed` event.
 */
@Processor('imports', workerOptions)
export class ContactImportsProcessor extends TypedWorkerHost<'imports'> {
  readonly queue = 'imports' as const;
  private readonly logger = new Logger(ContactImportsProcessor.name);

  constructor(private readonly runner: ContactImportRunner) {
    super();
  }

  protected readonly handlers: JobHandlers<'imports'> = {
    import: async (job: TypedJob<'imports', 'import'>) => {
      const organizationId = asOrganizationId(job.data.organizationId);
      try {
        return { outcome: await this.runner.run(organizationId, job.data.importId) };
      } catch (error) {
        if (isLastAttempt(job)) {
          await this.runner.giveUp(organizationId, job.data.importId, error);
        }
        throw error;
      }
    },
  };

  /** Every failed attempt lands here; only a job that will not run again fails its import (if still unfinished). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job | undefined, error: Error): Promise<void> {
    if (job?.name !== 'import') return;
    const data = job.data as { organizationId: string; importId: string };
    try {
      if ((await job.getState()) !== 'failed') return;
      await this.runner.failAbandoned(asOrganizationId(data.organizationId), data.importId, error);
    } catch (failure) {
      this.logger.error(`Import ${data.importId}: could not mark it failed: ${(failure as Error).message}`);
    }
  }
}
