import type { Job, Queue } from 'bullmq';
import { DependencyUnavailable } from '@/common/errors/dependency-errors';
import { toProblem } from '@/common/errors/problem';
import { TypedQueue } from './typed-queue';

/** A queue whose connection has `status` and whose `add` answers with `added`. */
const fakeQueue = (status: string, added: Promise<Job>): { queue: Queue; add: jest.Mock } => {
  const add = jest.fn(() => added);
  const queue = {
    name: 'executions',
    getBackend: () => ({ client: Promise.resolve({ status }) }),
    add,
  } as unknown as Queue;
  return { queue, add };
};

const payload = { organizationId: 'o', sessionId: 's', turn: 1 };

describe('TypedQueue.add', () => {
  it('adds the job when the connection is ready', async () => {
    const job = { id: 'j' } as Job;
    const { queue, add } = fakeQueue('ready', Promise.resolve(job));
    await expect(new TypedQueue<'executions'>(queue, 1_000).add('idle', payload, { jobId: 'j' })).resolves.toBe(job);
    expect(add).toHaveBeenCalledWith('idle', payload, { jobId: 'j' });
  });

  it('refuses at once, without queueing the command, while the connection is down', async () => {
    const { queue, add } = fakeQueue('reconnecting', new Promise<Job>(() => undefined));
    const added = new TypedQueue<'executions'>(queue, 60_000).add('idle', payload);
    await expect(added).rejects.toBeInstanceOf(DependencyUnavailable);
    expect(add).not.toHaveBeenCalled();
  });

  it('gives up on an add that Redis does not answer, with a 503 problem and Retry-After', async () => {
    const { queue } = fakeQueue('ready', new Promise<Job>(() => undefined)); // BullMQ waiting for Redis
    const error: unknown = await new TypedQueue<'executions'>(queue, 20).add('idle', payload).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailable);
    const { problem, headers } = toProblem(error, 'req-1');
    expect([problem.status, problem.code, problem.dependency, headers]).toEqual([
      503,
      'dependency.unavailable',
      'redis',
      { 'Retry-After': '5' },
    ]);
  });
});
