import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type AppConfig, InjectConfig } from '@/config';
import type { PlanCode } from '@/config/app-config';
import { EventsPublisher } from '@/events/events.publisher';
import { type UsageLimit, usageLimits } from './billing.contracts';
import { DowngradeExceedsLimits, PlanNotAvailable, PlanNotFound, SubscriptionStateConflict } from './billing.exception';
import { DEFAULT_UNAVAILABLE_MESSAGE, isPeriodLimit, limitsExceeded, usedOf } from './billing-limits';
import { BillingRepository, type SubscriptionRow } from './billing.repository';
import {
  type BillingSettingsDto,
  type PlanDto,
  type SubscriptionDto,
  toLimitUsage,
  toPlanDto,
  toSubscriptionDto,
  type UpdateBillingSettingsDto,
  type UpdatePlanDto,
  type UsageDto,
} from './dto/billing.dto';
import { QuotaService } from './quota.service';
import { openSubscriptions } from './subscription-opening';
import { subscriptionChangedEvents } from './billing-events';

/**
 * Plans (edited by super admins), the organization's subscription (plan changes by its admins,
 * refused when the usage exceeds the new plan's limits), its usage against the limits and its
 * billing settings. No payment provider is wired (`PaymentProvider`): a change applies at once.
 */
@Injectable()
export class BillingService {
  constructor(
    private readonly repo: BillingRepository,
    private readonly quotas: QuotaService,
    private readonly events: EventsPublisher,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async plans(): Promise<PlanDto[]> {
    return (await this.repo.listPlans()).map(toPlanDto);
  }

  /** Applies at once to every organization on the plan (other processes within BILLING_QUOTA_CACHE_MS). */
  async updatePlan(code: string, dto: UpdatePlanDto): Promise<PlanDto> {
    const { limits, ...fields } = dto;
    const plan = await this.repo.updatePlan(code, {
      ...fields,
      ...(limits
        ? { limits: Object.fromEntries(usageLimits.flatMap((l) => (limits[l] === undefined ? [] : [[l, limits[l]]]))) }
        : {}),
    });
    if (!plan) throw new PlanNotFound(code);
    this.quotas.forgetAll();
    return toPlanDto(plan);
  }

  async subscription(organizationId: OrganizationId): Promise<SubscriptionDto> {
    return toSubscriptionDto(await this.repo.transaction((em) => this.subscriptionOf(em, organizationId, false)));
  }

  /**
   * Moves the organization to `plan` now, `active` (no payment provider: nothing to wait for), and
   * clears a pending cancellation. Refused (409 `billing.downgrade_exceeds_limits`, every limit at
   * fault) when the organization uses more than the plan allows, in the period or now.
   */
  async changePlan(organizationId: OrganizationId, byUserId: string | null, code: PlanCode): Promise<SubscriptionDto> {
    const changed = await this.repo.transaction(async (em) => {
      const current = await this.subscriptionOf(em, organizationId);
      const plan = await this.repo.findPlan(code, em);
      if (!plan) throw new PlanNotFound(code);
      if (!plan.active && plan.code !== current.planCode) throw new PlanNotAvailable(code);
      const exceeded = limitsExceeded(await this.usedNow(em, organizationId, current), plan.limits);
      if (exceeded.length > 0) throw new DowngradeExceedsLimits(code, exceeded);
      const after = await this.repo.changePlan(em, organizationId, plan.code, 'active');
      await this.announce(em, current, after, byUserId);
      return after;
    });
    this.quotas.forget(organizationId);
    return toSubscriptionDto(changed);
  }

  /** Cancels at the end of the current period (then `canceled`, on BILLING_DEFAULT_PLAN). */
  async cancel(organizationId: OrganizationId): Promise<SubscriptionDto> {
    const after = await this.repo.transaction(async (em) => {
      const current = await this.subscriptionOf(em, organizationId);
      if (current.status === 'canceled') throw new SubscriptionStateConflict('The subscription is canceled already.');
      return (await this.repo.setCancelAtPeriodEnd(organizationId, true, em))!;
    });
    return toSubscriptionDto(after);
  }

  /** The current period against the plan's limits (read now, not from the quota cache). */
  async usage(organizationId: OrganizationId): Promise<UsageDto> {
    return this.repo.transaction(async (em) => {
      const subscription = await this.subscriptionOf(em, organizationId, false);
      const plan = (await this.repo.findPlan(this.effectivePlan(subscription), em))!;
      const counters = await this.repo.periodCounters(organizationId, subscription.currentPeriodStart, em);
      const used = await this.usedNow(em, organizationId, subscription, counters);
      return {
        plan: plan.code,
        periodStart: subscription.currentPeriodStart.toISOString(),
        periodEnd: subscription.currentPeriodEnd.toISOString(),
        limits: usageLimits.map((limit) => toLimitUsage(limit, used[limit], plan.limits[limit], isPeriodLimit(limit))),
        webhookDeliveries: counters.webhook_deliveries ?? 0,
        transcriptionSeconds: counters.transcription_seconds ?? 0,
      };
    });
  }

  async settings(organizationId: OrganizationId): Promise<BillingSettingsDto> {
    return settingsOf(await this.repo.transaction((em) => this.subscriptionOf(em, organizationId, false)));
  }

  async updateSettings(organizationId: OrganizationId, dto: UpdateBillingSettingsDto): Promise<BillingSettingsDto> {
    const subscription = await this.repo.transaction(async (em) => {
      const current = await this.subscriptionOf(em, organizationId);
      if (dto.unavailableMessage === undefined) return current;
      const message = dto.unavailableMessage?.trim() || null;
      return (await this.repo.setUnavailableMessage(organizationId, message, em))!;
    });
    this.quotas.forget(organizationId);
    return settingsOf(subscription);
  }

  private effectivePlan(subscription: SubscriptionRow): PlanCode {
    return subscription.status === 'canceled' ? this.config.billing.defaultPlan : subscription.planCode;
  }

  /** The organization's subscription, opened if it has none (locked for update unless `lock` is false). */
  private async subscriptionOf(em: EntityManager, organizationId: OrganizationId, lock = true) {
    const found = await this.repo.findSubscription(organizationId, em, lock);
    if (found) return found;
    await openSubscriptions(em, [organizationId], this.config.billing);
    const opened = await this.repo.findSubscription(organizationId, em, lock);
    if (!opened) throw new Error(`Organization ${organizationId} has no subscription and could not get one`);
    return opened;
  }

  /** What the organization uses of every limit: the period's counters and the resources it has now. */
  private async usedNow(
    em: EntityManager,
    organizationId: OrganizationId,
    subscription: SubscriptionRow,
    counters?: Awaited<ReturnType<BillingRepository['periodCounters']>>,
  ): Promise<Record<UsageLimit, number>> {
    const period = counters ?? (await this.repo.periodCounters(organizationId, subscription.currentPeriodStart, em));
    const resources = await this.repo.resourceCounts(organizationId, em);
    return Object.fromEntries(
      usageLimits.map((limit) => [limit, isPeriodLimit(limit) ? usedOf(limit, period) : resources[limit]]),
    ) as Record<UsageLimit, number>;
  }

  private async announce(
    em: EntityManager,
    before: SubscriptionRow,
    after: SubscriptionRow,
    byUserId: string | null,
  ): Promise<void> {
    const change = {
      organizationId: after.organizationId,
      planCode: after.planCode,
      previousPlanCode: before.planCode,
      status: after.status,
      previousStatus: before.status,
      currentPeriodEnd: after.currentPeriodEnd,
    };
    await this.events.publishIn(em, subscriptionChangedEvents([change], byUserId));
  }
}

const settingsOf = (subscription: SubscriptionRow): BillingSettingsDto => ({
  unavailableMessage: subscription.unavailableMessage ?? DEFAULT_UNAVAILABLE_MESSAGE,
});
