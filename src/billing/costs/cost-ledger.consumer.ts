import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { type OutboxBatchConsumer, OutboxConsumers } from '@/events/outbox-consumers';
import { domainEvent, insertOutboxEvents } from '@/events/outbox.sql';
import { CostsRepository, type WarningRow } from './costs.repository';
import { ledgerRows } from './ledger-rows';
import { parseNanos, usdNumber } from './money';
import { PRICE_TABLE } from './price-table';
import type { PriceTable } from './prices';

/**
 * `ai-cost-ledger`: run by the outbox dispatcher in the transaction that claims a batch, so each
 * `ai.usage_recorded` event becomes exactly one ledger row (its id is the event's). One statement
 * per batch writes the rows, the monthly roll-up and the budget warnings reached; a second writes
 * the `billing.quota_warning` events of those warnings (`limit: 'ai_budget_usd'`), the highest
 * threshold only when one batch crossed both.
 */
@Injectable()
export class CostLedgerConsumer implements OutboxBatchConsumer, OnModuleInit {
  readonly name = 'ai-cost-ledger';

  constructor(
    private readonly consumers: OutboxConsumers,
    private readonly repo: CostsRepository,
    @Inject(PRICE_TABLE) private readonly prices: PriceTable,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  async consume(em: EntityManager, events: readonly AnyDomainEvent[]): Promise<void> {
    const rows = ledgerRows(events, this.prices);
    if (rows.length === 0) return;
    const warnings = await this.repo.recordBatch(em, rows);
    await insertOutboxEvents(em, warningEvents(warnings));
  }
}

/** One `billing.quota_warning` per organization and month: its highest threshold reached. */
export function warningEvents(warnings: readonly WarningRow[]) {
  const highest = new Map<string, WarningRow>();
  for (const w of warnings) {
    const key = `${w.organization_id}/${w.period_start}`;
    if ((highest.get(key)?.threshold ?? 0) < w.threshold) highest.set(key, w);
  }
  return [...highest.values()].map((w) =>
    domainEvent('billing.quota_warning', w.organization_id, {
      limit: 'ai_budget_usd',
      threshold: Number(w.threshold) === 100 ? 100 : 80,
      used: usdNumber(parseNanos(w.used_usd)),
      max: usdNumber(parseNanos(w.budget_usd)),
      periodStart: `${w.period_start}T00:00:00.000Z`,
    }),
  );
}
