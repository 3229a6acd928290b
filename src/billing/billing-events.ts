import type { DomainEvent } from '@/events/event-catalogue';
import { domainEvent } from '@/events/outbox.sql';
import type { SubscriptionStatus } from './billing-limits';
import type { WarningRow } from './billing.repository';
import type { PlanCode } from '@/config/app-config';

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

export interface SubscriptionChange {
  readonly organizationId: string;
  readonly planCode: PlanCode;
  readonly previousPlanCode: PlanCode;
  readonly status: SubscriptionStatus;
  readonly previousStatus: SubscriptionStatus;
  readonly currentPeriodEnd: Date;
}

/**
 * `billing.subscription_changed` for each change of plan or status (a plain renewal is none);
 * `byUserId` null: the rollover job (or, later, a payment provider).
 */
export const subscriptionChangedEvents = (
  changes: readonly SubscriptionChange[],
  byUserId: string | null = null,
): DomainEvent<'billing.subscription_changed'>[] =>
  changes
    .filter((c) => c.planCode !== c.previousPlanCode || c.status !== c.previousStatus)
    .map((c) =>
      domainEvent('billing.subscription_changed', c.organizationId, {
        plan: c.planCode,
        previousPlan: c.previousPlanCode,
        status: c.status,
        previousStatus: c.previousStatus,
        currentPeriodEnd: c.currentPeriodEnd.toISOString(),
        byUserId,
      }),
    );
