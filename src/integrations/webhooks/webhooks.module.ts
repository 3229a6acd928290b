import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { WebhookDeliveryEntity, WebhookSubscriptionEntity } from './entities/webhook.entity';
import { webhookWorkerSettingsProvider } from './jobs/webhook-worker-options';
import { WebhooksProcessor } from './jobs/webhooks.processor';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksRepository } from './webhooks.repository';
import { WebhooksService } from './webhooks.service';

/**
 * Outbound webhooks (docs/webhooks.md): subscriptions and the delivery log under `/api/v1/webhooks`
 * (API processes), the fan-out of domain events and the deliveries (worker processes).
 */
@Module({})
export class WebhooksModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [TypeOrmModule.forFeature([WebhookSubscriptionEntity, WebhookDeliveryEntity])],
      controllers: config.role.api ? [WebhooksController] : [],
      providers: [
        WebhooksRepository,
        WebhookSender,
        WebhooksService,
        ...(config.role.worker ? [webhookWorkerSettingsProvider, WebhookDeliverer] : []),
        ...workerProviders(config, [WebhooksProcessor]),
      ],
    };
  }
}
