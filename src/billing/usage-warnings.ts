import type { DomainEvent } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import type { WarningRow } from './billing.repository';

/** One `billing.quota_warning` per warning recorded (the notification module tells the admins). */
export const quotaWarningEvents = (warnings: readonly WarningRow[]): DomainEvent<'billing.quota_warning'>[] =>
  warnings.map((w) =>
    domainEvent('billing.quota_warning', w.organizationId, {
      limit: w.limit,
      threshold: w.threshold,
      used: w.used,
      max: w.max,
      periodStart: w.periodStart.toISOString(),
    }),
  );
