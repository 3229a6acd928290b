import { type DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@/config';
import { workerProviders } from '@/queue/queue.module';
import { Quotas } from './billing.contracts';
import { BillingController } from './billing.controller';
import { BillingRepository } from './billing.repository';
import { BillingService } from './billing.service';
import { BillingProcessor } from './jobs/billing.processor';
import { RolloverSchedule } from './jobs/rollover-schedule';
import { QuotaService } from './quota.service';
import { SubscriptionRollover } from './subscription-rollover';
import { UsageMeter } from './usage-meter';

/**
 * Billing (docs/billing.md): plans, subscriptions, usage metering (`UsageMeter`, an outbox batch
 * consumer in worker processes), quotas (`Quotas`, global: asked where actions start), the period
 * rollover job, and the API under `/api/v1/billing`. Exports `Quotas` only.
 */
@Module({})
export class BillingModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: BillingModule,
      global: true,
      controllers: config.role.api ? [BillingController] : [],
      providers: [
        BillingRepository,
        QuotaService,
        { provide: Quotas, useExisting: QuotaService },
        BillingService,
        ...(config.role.worker ? [UsageMeter, SubscriptionRollover] : []),
        ...workerProviders(config, [BillingProcessor, RolloverSchedule]),
      ],
      exports: [Quotas],
    };
  }
}
