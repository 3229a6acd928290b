import { WorkerHost } from '@nestjs/bullmq';
import { type Job, UnrecoverableError } from 'bullmq';
import type { JobName, JobPayload, QueueName } from './queue.registry';

export type TypedJob<Q extends QueueName, J extends JobName<Q>> = Job<JobPayload<Q, J>, unknown, J>;

/** Whether the running attempt is the job's last (a failure now is final: record it instead of only throwing). */
export const isLastAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

export type JobHandlers<Q extends QueueName> = {
  readonly [J in JobName<Q>]: (job: TypedJob<Q, J>) => Promise<unknown>;
};

/**
 * A BullMQ processor for one queue with one handler per job name. The mapped `handlers` type makes
 * a missing or misspelled job a compile error.
 */
export abstract class TypedWorkerHost<Q extends QueueName> extends WorkerHost {
  abstract readonly queue: Q;
  protected abstract readonly handlers: JobHandlers<Q>;

  override async process(job: Job): Promise<unknown> {
    const handler = (this.handlers as unknown as Record<string, ((job: Job) => Promise<unknown>) | undefined>)[
      job.name
    ];
    if (!handler) {
      throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${this.queue}"`);
    }
    return handler.call(this, job);
  }
}
