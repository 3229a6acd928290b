import { getQueueToken } from '@nestjs/bullmq';
import { Inject, type Provider } from '@nestjs/common';
import type { Job, JobsOptions, Queue } from 'bullmq';
import { DependencyUnavailable } from '@/common/errors/dependency-errors';
import { type AppConfig, APP_CONFIG } from '@/config';
import type { JobName, JobPayload, QueueName } from './queue.registry';

/** Default job options: retried with exponential backoff, kept a while for inspection and replay. */
export const defaultJobOptions: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 14 * 24 * 3600 },
};

/** Settles like `promise`, or rejects with `onTimeout()` after `ms`. */
function within<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A BullMQ queue whose `add` only takes the job names and payloads of `QueueJobs[Q]`.
 *
 * BullMQ's connection queues commands while Redis is down and retries them for ever, so a bare
 * `queue.add` would hold the caller for the whole outage. `add` refuses at once while the
 * connection is known to be down, and gives up after `timeoutMs` otherwise, with
 * `DependencyUnavailable('redis')` (a 503 if it reaches the error filter).
 */
export class TypedQueue<Q extends QueueName> {
  constructor(
    readonly raw: Queue,
    private readonly timeoutMs: number,
  ) {}

  async add<J extends JobName<Q>>(name: J, data: JobPayload<Q, J>, options?: JobsOptions): Promise<Job> {
    const unavailable = (cause?: unknown) => new DependencyUnavailable('redis', cause);
    const client = await within(this.raw.getBackend().client, this.timeoutMs, () => unavailable());
    if (client.status !== 'ready') {
      throw unavailable(new Error(`queue ${this.raw.name}: Redis connection is ${client.status}`));
    }
    // A command cut off by the timeout may still run once Redis is back; job ids keep that harmless.
    return within(this.raw.add(name, data, options), this.timeoutMs, () =>
      unavailable(new Error(`queue ${this.raw.name}: adding ${name} timed out after ${this.timeoutMs} ms`)),
    );
  }
}

export const typedQueueToken = (name: QueueName): string => `TypedQueue:${name}`;

export const InjectTypedQueue = (name: QueueName): PropertyDecorator & ParameterDecorator =>
  Inject(typedQueueToken(name));

export const typedQueueProvider = (name: QueueName): Provider => ({
  provide: typedQueueToken(name),
  inject: [getQueueToken(name), APP_CONFIG],
  useFactory: (queue: Queue, config: AppConfig) => new TypedQueue(queue, config.redis.enqueueTimeoutMs),
});
