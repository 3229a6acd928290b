import { getQueueToken } from '@nestjs/bullmq';
import { Inject, type Provider } from '@nestjs/common';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { JobName, JobPayload, QueueName } from './queue.registry';

/** Default job options: retried with exponential backoff, kept a while for inspection and replay. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** A BullMQ queue whose `add` only takes the job names and payloads of `QueueJobs[Q]`. */
export class TypedQueue<Q extends QueueName> {
  constructor(readonly raw: Queue) {}

  add<J extends JobName<Q>>(name: J, data: JobPayload<Q, J>, options?: JobsOptions): Promise<Job> {
    return this.raw.add(name, data, options);
  }
}

const typedQueueToken = (name: QueueName): string => `TypedQueue:${name}`;

export const InjectTypedQueue = (name: QueueName): PropertyDecorator & ParameterDecorator =>
  Inject(typedQueueToken(name));

export const typedQueueProvider = (name: QueueName): Provider => ({
  provide: typedQueueToken(name),
  inject: [getQueueToken(name)],
  useFactory: (queue: Queue) => new TypedQueue(queue),
});
