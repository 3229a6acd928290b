import { getQueueToken } from '@nestjs/bullmq';
import { type Queue, QueueEvents } from 'bullmq';
import { InjectTypedQueue, type TypedQueue } from '@/queue/typed-queue';
import { startTestApp, type TestApp } from './support/test-app';

void InjectTypedQueue; // the typed producer is what feature modules inject; here we reach it by token

const typedQueue = (t: TestApp): TypedQueue<'system'> => t.app.get<TypedQueue<'system'>>('TypedQueue:system');

describe('queues and APP_ROLE', () => {
  it('processes jobs when the process runs workers (APP_ROLE=all)', async () => {
    const t = await startTestApp({ APP_ROLE: 'all' });
    const events = new QueueEvents('system', {
      connection: { url: t.config.redis.url },
      prefix: t.config.redis.keyPrefix,
    });
    try {
      await events.waitUntilReady();
      const job = await typedQueue(t).add('ping', { sentAt: new Date().toISOString(), echo: 'hello' });
      const result = await job.waitUntilFinished(events, 15_000);
      expect(result).toMatchObject({ pong: true, echo: 'hello' });
      const raw = t.app.get<Queue>(getQueueToken('system'));
      expect((await raw.getWorkers()).length).toBeGreaterThanOrEqual(1);
    } finally {
      await events.close();
      await t.close();
    }
  });

  it('only enqueues when the process is API-only (APP_ROLE=api): a worker process picks the job up', async () => {
    const api = await startTestApp({ APP_ROLE: 'api' });
    try {
      const raw = api.app.get<Queue>(getQueueToken('system'));
      expect(await raw.getWorkers()).toHaveLength(0);
      const job = await typedQueue(api).add('ping', { sentAt: new Date().toISOString(), echo: 'later' });
      expect(await job.getState()).toBe('waiting');

      // A worker process sharing the same Redis prefix processes it.
      const worker = await startTestApp({ APP_ROLE: 'worker', REDIS_KEY_PREFIX: api.config.redis.keyPrefix });
      const events = new QueueEvents('system', {
        connection: { url: api.config.redis.url },
        prefix: api.config.redis.keyPrefix,
      });
      try {
        await events.waitUntilReady();
        // waitUntilFinished also resolves for a job that finished before it was called.
        const result = await job.waitUntilFinished(events, 15_000);
        expect(result).toMatchObject({ pong: true, echo: 'later' });
      } finally {
        await events.close();
        await worker.close();
      }
    } finally {
      await api.close();
    }
  });

  it('fails unknown job names without retrying them', async () => {
    const t = await startTestApp({ APP_ROLE: 'all' });
    const events = new QueueEvents('system', {
      connection: { url: t.config.redis.url },
      prefix: t.config.redis.keyPrefix,
    });
    try {
      await events.waitUntilReady();
      const raw = t.app.get<Queue>(getQueueToken('system'));
      const job = await raw.add('no-such-job', {}, { attempts: 3 });
      await expect(job.waitUntilFinished(events, 15_000)).rejects.toThrow(/No handler for job "no-such-job"/);
      const failed = await raw.getJob(job.id!);
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await t.close();
    }
  });
});
