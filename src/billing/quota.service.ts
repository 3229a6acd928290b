import type { OrganizationId } from '@/access/organization-id';
import { Injectable, Logger } from '@nestjs/common';
import { type AppConfig, InjectConfig } from '@/config';
import { EventsPublisher } from '@/events/events.publisher';
import { Quotas, type UsageLimit } from './billing.contracts';
import { QuotaExceeded } from './billing.exception';
import { DEFAULT_UNAVAILABLE_MESSAGE, isPeriodLimit, thresholdsReached, usedOf } from './billing-limits';
import { BillingRepository, type QuotaSnapshot } from './billing.repository';
import { openSubscriptions } from './subscription-opening';
import { quotaWarningEvents } from './billing-events';

/** Organizations whose snapshot a process keeps (cleared when full: refreshes are cheap). */
const CACHE_MAX_ENTRIES = 10_000;

interface Cached {
  readonly snapshot: QuotaSnapshot | undefined;
  readonly at: number;
}

/**
 * The quota check where an action starts (`Quotas`). Period limits are compared with the counters
 * of the current period as this process last read them: one statement per organization every
 * `BILLING_QUOTA_CACHE_MS` (concurrent checks share it), none on a chat turn in the steady state.
 * Enforcement can therefore overshoot by what other turns do within that window plus the outbox
 * lag; counting itself stays exact (`UsageMeter`). Resource limits count rows at each check
 * (creations are rare). `BILLING_ENFORCE_QUOTAS=false` allows everything (usage is still counted).
 */
@Injectable()
export class QuotaService extends Quotas {
  private readonly logger = new Logger(QuotaService.name);
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<QuotaSnapshot | undefined>>();

  constructor(
    private readonly repo: BillingRepository,
    private readonly events: EventsPublisher,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    super();
  }

  async assertAvailable(organizationId: OrganizationId, limit: UsageLimit, amount = 1): Promise<void> {
    if (!this.config.billing.enforceQuotas) return;
    const snapshot = await this.snapshot(organizationId);
    const max = snapshot?.limits[limit] ?? null;
    if (!snapshot || max === null) return;
    const used = isPeriodLimit(limit)
      ? usedOf(limit, snapshot.used)
      : await this.repo.resourceCount(organizationId, limit);
    if (used + amount > max) {
      throw new QuotaExceeded(
        limit,
        used,
        max,
        snapshot.plan,
        snapshot.subscription.unavailableMessage ?? DEFAULT_UNAVAILABLE_MESSAGE,
      );
    }
    // Period limits are warned about by the meter; a creation that reaches 80% or 100% is here.
    if (!isPeriodLimit(limit) && thresholdsReached(used + amount, max).length > 0) {
      await this.warn(organizationId, snapshot, limit, used + amount, max).catch((error: unknown) =>
        this.logger.warn(`Could not record the ${limit} warning of ${organizationId}: ${String(error)}`),
      );
    }
  }

  /** Drops this process's snapshot of the organization (its plan or settings changed here). */
  forget(organizationId: OrganizationId): void {
    this.cache.delete(organizationId);
  }

  /** Drops every snapshot of this process (a plan's limits changed). */
  forgetAll(): void {
    this.cache.clear();
  }

  /** The organization's snapshot, from the cache while fresh; undefined for an organization that does not exist. */
  async snapshot(organizationId: OrganizationId): Promise<QuotaSnapshot | undefined> {
    const cached = this.cache.get(organizationId);
    if (cached && Date.now() - cached.at < this.config.billing.quotaCacheMs) return cached.snapshot;
    let loading = this.loading.get(organizationId);
    if (!loading) {
      loading = this.load(organizationId).finally(() => this.loading.delete(organizationId));
      this.loading.set(organizationId, loading);
    }
    return loading;
  }

  private async load(organizationId: OrganizationId): Promise<QuotaSnapshot | undefined> {
    const at = Date.now();
    const billing = this.config.billing;
    let snapshot = await this.repo.quotaSnapshot(organizationId, billing.defaultPlan);
    if (!snapshot) {
      await this.repo.transaction((em) => openSubscriptions(em, [organizationId], billing));
      snapshot = await this.repo.quotaSnapshot(organizationId, billing.defaultPlan);
    }
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(organizationId, { snapshot, at });
    return snapshot;
  }

  private async warn(
    organizationId: OrganizationId,
    snapshot: QuotaSnapshot,
    limit: UsageLimit,
    used: number,
    max: number,
  ): Promise<void> {
    const periodStart = snapshot.subscription.currentPeriodStart;
    await this.repo.transaction(async (em) => {
      const recorded = await this.repo.insertWarnings(
        em,
        thresholdsReached(used, max).map((threshold) => ({ organizationId, periodStart, limit, threshold, used, max })),
      );
      await this.events.publishIn(em, quotaWarningEvents(recorded));
    });
  }
}
