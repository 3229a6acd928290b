import { Processor } from '@nestjs/bullmq';
import { asOrganizationId } from '@/access/organization-id';
import { type JobHandlers, type TypedJob, TypedWorkerHost } from '@/queue/typed-worker-host';
import { workerOptions } from '@/queue/worker-options';
import { ContactImportRunner } from '../contact-import.runner';

/**
 * Runs contact imports, one at a time per worker process (an import streams a whole file; two
 * at once would only share the same two cores). A retried job resumes the merge or restarts
 * the validation (`ContactImportRunner`); after its last attempt the import is marked failed.
 */
@Processor('imports', workerOptions)
export class ContactImportsProcessor extends TypedWorkerHost<'imports'> {
  readonly queue = 'imports' as const;

  constructor(private readonly runner: ContactImportRunner) {
    super();
  }

  protected readonly handlers: JobHandlers<'imports'> = {
    import: async (job: TypedJob<'imports', 'import'>) => {
      const organizationId = asOrganizationId(job.data.organizationId);
      try {
        return { outcome: await this.runner.run(organizationId, job.data.importId) };
      } catch (error) {
        if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
          await this.runner.giveUp(organizationId, job.data.importId, error);
        }
        throw error;
      }
    },
  };
}
