import type { WorkerOptions } from 'bullmq';
import type { AppConfig } from '@/config';

/**
 * The BullMQ worker options of every processor: `@Processor('queue', workerOptions)`.
 *
 * Decorators run before configuration is read, so this is one object that `QueueModule` fills
 * from config while the app is built; @nestjs/bullmq reads it when it creates the workers (after
 * every provider exists). `JobHandlersCheck` fails the boot if a worker was created without it.
 *
 * Jobs are short, so locks are short: when a worker process dies mid-job, its lock lapses after
 * `lockDuration` and another worker's stalled check (every `stalledInterval`) puts the job back
 * within about the sum of the two (BullMQ's defaults, 30 s each, meant up to a minute).
 */
export const workerOptions: Partial<Omit<WorkerOptions, 'connection'>> = {};

export type WorkerSettings = Required<Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'>>;

export const workerSettingsOf = (config: AppConfig): WorkerSettings => ({
  lockDuration: config.queue.lockDurationMs,
  stalledInterval: config.queue.stalledIntervalMs,
  maxStalledCount: config.queue.maxStalledCount,
});

/** Called by the queue module's provider factory, before @nestjs/bullmq creates the workers. */
export function applyWorkerSettings(config: AppConfig): WorkerSettings {
  const settings = workerSettingsOf(config);
  Object.assign(workerOptions, settings);
  return settings;
}
