import type { JobsOptions } from 'bullmq';
import type { AppConfig } from '@/config';
import type { TypedQueue } from '@/queue/typed-queue';

/** A `deliver` job: job id = delivery id (an enqueue repeated for the same delivery is absorbed). */
export const deliverJobOptions = (config: AppConfig, deliveryId: string): JobsOptions => ({
  jobId: deliveryId,
  attempts: config.integrations.webhooks.maxAttempts,
  backoff: { type: 'webhook' },
  removeOnComplete: { age: 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
});

/** Enqueues the `deliver` jobs of `deliveryIds` in one Redis round trip. */
export async function enqueueDeliveries(
  queue: TypedQueue<'webhooks'>,
  config: AppConfig,
  organizationId: string,
  deliveryIds: readonly string[],
): Promise<void> {
  if (deliveryIds.length === 0) return;
  if (deliveryIds.length === 1) {
    await queue.add(
      'deliver',
      { organizationId, deliveryId: deliveryIds[0]! },
      deliverJobOptions(config, deliveryIds[0]!),
    );
    return;
  }
  await queue.raw.addBulk(
    deliveryIds.map((deliveryId) => ({
      name: 'deliver',
      data: { organizationId, deliveryId },
      opts: deliverJobOptions(config, deliveryId),
    })),
  );
}
