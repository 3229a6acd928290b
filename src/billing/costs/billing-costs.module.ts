import { type DynamicModule, Module } from '@nestjs/common';
import { AiBudgets } from '@/billing/billing.contracts';
import type { AppConfig } from '@/config';
import { AiSpendGuard } from '@/integrations/openai/ai-spend-guard';
import { AiBudgetService } from './ai-budget.service';
import { BillingAiSpendGuard } from './ai-spend.guard';
import { CostLedgerConsumer } from './cost-ledger.consumer';
import { CostsController } from './costs.controller';
import { CostsRepository } from './costs.repository';
import { CostsService } from './costs.service';
import { priceTableProvider } from './price-table';

/**
 * The AI cost ledger (docs/ai-costs.md): the `ai-cost-ledger` outbox batch consumer (worker
 * processes run the dispatcher), cost reports and the monthly AI budget under `/api/v1/billing`
 * (API processes), and the `AiSpendGuard` every `OpenAiClient` call asks (quotas, then budget).
 * Global, so the OpenAI client finds the guard and billing finds `AiBudgets`.
 */
@Module({})
export class BillingCostsModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: BillingCostsModule,
      global: true,
      controllers: config.role.api ? [CostsController] : [],
      providers: [
        priceTableProvider,
        CostsRepository,
        CostsService,
        AiBudgetService,
        CostLedgerConsumer,
        { provide: AiBudgets, useExisting: AiBudgetService },
        { provide: AiSpendGuard, useClass: BillingAiSpendGuard },
      ],
      exports: [AiBudgets, AiSpendGuard],
    };
  }
}
