import type { Provider } from '@nestjs/common';
import type { WorkerOptions } from 'bullmq';
import { type AppConfig, APP_CONFIG } from '@/config';
import { workerSettingsOf } from '@/queue/worker-options';
import { webhookBackoffStrategy } from '../webhook-retry';

/**
 * The worker options of the `webhooks` processor: the platform's lock settings (as `workerOptions`),
 * plus `WEBHOOK_CONCURRENCY` and the custom backoff (`backoff: { type: 'webhook' }`: the delay the
 * job computed, so the delivery row's `next_attempt_at` is the real one). Filled from config by the
 * provider below, before @nestjs/bullmq creates the worker.
 */
export const webhookWorkerOptions: Partial<Omit<WorkerOptions, 'connection'>> = {
  settings: { backoffStrategy: webhookBackoffStrategy },
};

export const WEBHOOK_WORKER_SETTINGS = Symbol('WEBHOOK_WORKER_SETTINGS');

export const webhookWorkerSettingsProvider: Provider = {
  provide: WEBHOOK_WORKER_SETTINGS,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) =>
    Object.assign(webhookWorkerOptions, workerSettingsOf(config), {
      concurrency: config.integrations.webhooks.concurrency,
    }),
};
