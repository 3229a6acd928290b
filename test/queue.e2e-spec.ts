import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type { TypedQueue } from '@/queue/typed-queue';
import { withQueueEvents } from './support/queues';
import { startTestApp, type TestApp } from './support/test-app';

/** The typed producer feature modules inject with @InjectTypedQueue('system'); reached by its token here. */
const typedQueue = (t: TestApp): TypedQueue<'system'> => t.app.get<TypedQueue<'system'>>('TypedQueue:system');

describe('queues and APP_ROLE', () => {
  it('processes jobs when the process runs workers (APP_ROLE=all)', async () => {
    const t = await startTestApp({ APP_ROLE: 'all' });
    try {
      await withQueueEvents(t, 'system', async (events) => {
        const job = await typedQueue(t).add('ping', {
          organizationId: null,
          sentAt: new Date().toISOString(),
          echo: 'hello',
        });
        expect(await job.waitUntilFinished(events, 15_000)).toMatchObject({ pong: true, echo: 'hello' });
      });
      const raw = t.app.get<Queue>(getQueueToken('system'));
      expect((await raw.getWorkers()).length).toBeGreaterThanOrEqual(1);
    } finally {
      await t.close();
    }
  });

  it('only enqueues when the process is API-only (APP_ROLE=api): a worker process picks the job up', async () => {
    const api = await startTestApp({ APP_ROLE: 'api' });
    try {
      const raw = api.app.get<Queue>(getQueueToken('system'));
      expect(await raw.getWorkers()).toHaveLength(0);
      const job = await typedQueue(api).add('ping', {
        organizationId: null,
        sentAt: new Date().toISOString(),
        echo: 'later',
      });
      expect(await job.getState()).toBe('waiting');

      // A worker process sharing the same Redis prefix processes it.
      const worker = await startTestApp({ APP_ROLE: 'worker', REDIS_KEY_PREFIX: api.config.redis.keyPrefix });
      try {
        await withQueueEvents(api, 'system', async (events) => {
          // waitUntilFinished also resolves for a job that finished before it was called.
          expect(await job.waitUntilFinished(events, 15_000)).toMatchObject({ pong: true, echo: 'later' });
        });
      } finally {
        await worker.close();
      }
    } finally {
      await api.close();
    }
  });

  it('fails unknown job names without retrying them', async () => {
    const t = await startTestApp({ APP_ROLE: 'all' });
    try {
      const raw = t.app.get<Queue>(getQueueToken('system'));
      await withQueueEvents(t, 'system', async (events) => {
        const job = await raw.add('no-such-job', {}, { attempts: 3 });
        await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/No handler for job "no-such-job"/);
        expect((await raw.getJob(job.id!))?.attemptsMade).toBe(1);
      });
    } finally {
      await t.close();
    }
  });
});
