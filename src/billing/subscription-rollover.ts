import { Injectable, Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { insertOutboxEvents } from '@/events/outbox.sql';
import { subscriptionChangedEvents } from './billing-events';
import { BillingRepository } from './billing.repository';

/** Subscriptions moved on per transaction. */
const ROLLOVER_BATCH = 500;

/**
 * The period rollover (job `billing.rollover`, every minute): due subscriptions move to the period
 * containing now, whose counters start from zero (they are keyed by the period's start); ended
 * trials and cancellations land on BILLING_DEFAULT_PLAN. Set-based, in batches that skip rows
 * another worker holds; a plan or status change emits `billing.subscription_changed` in the same
 * transaction (a plain renewal emits nothing).
 */
@Injectable()
export class SubscriptionRollover {
  private readonly logger = new Logger(SubscriptionRollover.name);

  constructor(
    private readonly repo: BillingRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Rolls every due subscription over; returns how many moved. */
  async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const moved = await this.repo.transaction(async (em) => {
        const rows = await this.repo.rollover(em, this.config.billing.defaultPlan, ROLLOVER_BATCH);
        await insertOutboxEvents(em, subscriptionChangedEvents(rows));
        return rows.length;
      });
      total += moved;
      if (moved < ROLLOVER_BATCH) break;
    }
    if (total > 0) this.logger.log(`Rolled ${total} subscriptions over`);
    return total;
  }
}
