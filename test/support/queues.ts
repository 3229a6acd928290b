import { QueueEvents } from 'bullmq';
import type { QueueName } from '@/queue/queue.registry';
import type { TestApp } from './test-app';

/** Runs `fn` with a ready QueueEvents listener on the app's queue (same Redis and prefix), then closes it. */
export async function withQueueEvents<T>(
  t: TestApp,
  queue: QueueName,
  fn: (events: QueueEvents) => Promise<T>,
): Promise<T> {
  const events = new QueueEvents(queue, { connection: { url: t.config.redis.url }, prefix: t.config.redis.keyPrefix });
  await events.waitUntilReady();
  try {
    return await fn(events);
  } finally {
    await events.close();
  }
}
