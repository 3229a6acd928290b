import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AppConfig, InjectConfig } from '@/config';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { insertOutboxEvents } from '@/events/outbox.sql';
import { type OutboxBatchConsumer, OutboxConsumers } from '@/events/outbox-consumers';
import { limitOfMetric, thresholdsReached, type UsageMetric, usedOf } from './billing-limits';
import { BillingRepository, type MeteredCounter, type WarningRow } from './billing.repository';
import { openSubscriptions } from './subscription-opening';
import { quotaWarningEvents } from './billing-events';

export interface UsageDelta {
  readonly organizationId: string;
  readonly metric: UsageMetric;
  readonly amount: number;
}

/**
 * What a batch of events adds to the counters, one delta per (organization, metric), sorted by
 * both: a session started is a session; a message (visitor, bot or agent; not notes or activity
 * lines) is a message; an AI call adds its tokens, and a transcription its audio seconds (rounded
 * up). Previews start no sessions and store no messages, but their AI calls count (tokens cost).
 */
export function usageDeltas(events: readonly AnyDomainEvent[]): UsageDelta[] {
  const totals = new Map<string, UsageDelta>();
  const add = (organizationId: string | null, metric: UsageMetric, amount: number): void => {
    if (organizationId === null || !(amount > 0)) return;
    const key = `${organizationId} ${metric}`;
    const current = totals.get(key);
    totals.set(key, { organizationId, metric, amount: (current?.amount ?? 0) + amount });
  };
  for (const event of events) {
    if (event.type === 'session.started') {
      add(event.organizationId, 'sessions', 1);
    } else if (event.type === 'message.created') {
      if (event.data.message.kind === 'message') add(event.organizationId, 'messages', 1);
    } else if (event.type === 'ai.usage_recorded') {
      add(event.organizationId, 'ai_tokens', Math.max(0, Math.round(event.data.totalTokens)));
      if (event.data.operation === 'transcription') {
        add(event.organizationId, 'transcription_seconds', Math.ceil(event.data.audioSeconds ?? 0));
      }
    }
  }
  return [...totals.values()].sort((a, b) =>
    a.organizationId === b.organizationId
      ? a.metric.localeCompare(b.metric)
      : a.organizationId.localeCompare(b.organizationId),
  );
}

/** The warnings the counters after a batch call for (80% and 100% of period limits). */
export function warningsOf(counters: readonly MeteredCounter[]): WarningRow[] {
  return counters.flatMap((counter) => {
    const limit = limitOfMetric(counter.metric);
    if (!limit) return [];
    const max = counter.limits[limit];
    const used = usedOf(limit, { [counter.metric]: counter.used });
    return thresholdsReached(used, max).map((threshold) => ({
      organizationId: counter.organizationId,
      periodStart: counter.periodStart,
      limit,
      threshold,
      used,
      max: max!,
    }));
  });
}

/**
 * Usage metering as an outbox batch consumer (`usage-meter`): in the dispatcher's claim
 * transaction, a batch's deltas go into the counters of each organization's current period in one
 * upsert, and the 80%/100% warnings it reaches are recorded (once per period) with their
 * `billing.quota_warning` events, all committing with the batch's `dispatched_at`. Exactly once
 * whatever the number of workers, atomic (`used = used + excluded.used`), and nothing on the chat
 * turn itself. Events of an organization without a subscription open one and are counted.
 */
@Injectable()
export class UsageMeter implements OutboxBatchConsumer, OnModuleInit {
  readonly name = 'usage-meter';

  constructor(
    private readonly consumers: OutboxConsumers,
    private readonly repo: BillingRepository,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.consumers.register(this);
  }

  async consume(em: EntityManager, events: readonly AnyDomainEvent[]): Promise<void> {
    const deltas = usageDeltas(events);
    if (deltas.length === 0) return;
    const billing = this.config.billing;
    let counters = await this.repo.meter(em, deltas, billing.defaultPlan);
    const counted = new Set(counters.map((c) => `${c.organizationId} ${c.metric}`));
    const missed = deltas.filter((d) => !counted.has(`${d.organizationId} ${d.metric}`));
    if (missed.length > 0) {
      // Organizations without a subscription (deleted ones stay without: nothing to count into).
      await openSubscriptions(em, [...new Set(missed.map((d) => d.organizationId))], billing);
      counters = [...counters, ...(await this.repo.meter(em, missed, billing.defaultPlan))];
    }
    const warnings = await this.repo.insertWarnings(em, warningsOf(counters));
    await insertOutboxEvents(em, quotaWarningEvents(warnings));
  }
}
