import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PlanCode } from '@/config/app-config';
import type { UsageLimit } from './billing.contracts';
import type { SubscriptionChange } from './billing-events';
import {
  limitsFrom,
  type PlanLimits,
  type ResourceLimit,
  type SubscriptionStatus,
  type UsageMetric,
  type WarningThreshold,
} from './billing-limits';

export interface PlanRow {
  readonly code: PlanCode;
  readonly name: string;
  readonly description: string;
  readonly priceMonthlyCents: number;
  readonly limits: PlanLimits;
  readonly active: boolean;
  readonly sortOrder: number;
  readonly updatedAt: Date;
}

export interface PlanPatch {
  readonly name?: string;
  readonly description?: string;
  readonly priceMonthlyCents?: number;
  /** Merged over the stored limits (null: unlimited). */
  readonly limits?: Partial<Record<UsageLimit, number | null>>;
  readonly active?: boolean;
  readonly sortOrder?: number;
}

export interface SubscriptionRow {
  readonly organizationId: string;
  readonly planCode: PlanCode;
  readonly status: SubscriptionStatus;
  readonly trialEndsAt: Date | null;
  readonly currentPeriodStart: Date;
  readonly currentPeriodEnd: Date;
  readonly cancelAtPeriodEnd: boolean;
  readonly provider: string | null;
  readonly providerReference: string | null;
  readonly unavailableMessage: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What quota checks need of an organization, in one read. */
export interface QuotaSnapshot {
  readonly subscription: SubscriptionRow;
  /** The plan whose limits apply (the default plan while canceled). */
  readonly plan: PlanCode;
  readonly limits: PlanLimits;
  /** The current period's counters. */
  readonly used: Readonly<Partial<Record<UsageMetric, number>>>;
}

/** One counter after the meter added to it, with the limits that apply to it. */
export interface MeteredCounter {
  readonly organizationId: string;
  readonly periodStart: Date;
  readonly metric: UsageMetric;
  readonly used: number;
  readonly plan: PlanCode;
  readonly limits: PlanLimits;
}

export interface WarningRow {
  readonly organizationId: string;
  readonly periodStart: Date;
  readonly limit: UsageLimit;
  readonly threshold: WarningThreshold;
  readonly used: number;
  readonly max: number;
}

/** A subscription the rollover moved on: before and after. */
export type RolledOver = SubscriptionChange;

const SUBSCRIPTION_COLUMNS = `s.organization_id AS "organizationId", s.plan_code AS "planCode", s.status,
  s.trial_ends_at AS "trialEndsAt", s.current_period_start AS "currentPeriodStart",
  s.current_period_end AS "currentPeriodEnd", s.cancel_at_period_end AS "cancelAtPeriodEnd", s.provider,
  s.provider_reference AS "providerReference", s.unavailable_message AS "unavailableMessage",
  s.created_at AS "createdAt", s.updated_at AS "updatedAt"`;

const PLAN_COLUMNS = `code, name, description, price_monthly_cents AS "priceMonthlyCents", limits, active,
  sort_order AS "sortOrder", updated_at AS "updatedAt"`;

/** What counts against each resource limit now (each served by an index on `organization_id`). */
const RESOURCE_COUNTS: Readonly<Record<ResourceLimit, string>> = {
  // Members and the invitations still open: an accepted invitation becomes a membership.
  members: `(SELECT count(*) FROM memberships WHERE organization_id = $1)
          + (SELECT count(*) FROM invitations WHERE organization_id = $1
                AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())`,
  chatbots: `(SELECT count(*) FROM chatbots WHERE organization_id = $1 AND status <> 'archived')`,
  whatsapp_numbers: `(SELECT count(*) FROM whatsapp_channels WHERE organization_id = $1)`,
  contacts: `(SELECT count(*) FROM contacts WHERE organization_id = $1)`,
};

/** The plan whose limits apply to subscription `s` (`$default`: BILLING_DEFAULT_PLAN, for canceled ones). */
const effectivePlan = (defaultParam: string): string =>
  `CASE WHEN s.status = 'canceled' THEN ${defaultParam} ELSE s.plan_code END`;

const toPlan = (row: PlanRow): PlanRow => ({ ...row, limits: limitsFrom(row.limits) });

/**
 * Plans, subscriptions, usage counters and warnings, in raw SQL: the meter and the rollover are
 * set-based statements over many organizations (they say so: no `OrganizationId`); everything else
 * takes the organization as its first argument.
 */
@Injectable()
export class BillingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async listPlans(): Promise<PlanRow[]> {
    const rows = await this.dataSource.query<PlanRow[]>(`SELECT ${PLAN_COLUMNS} FROM plans ORDER BY sort_order, code`);
    return rows.map(toPlan);
  }

  async findPlan(code: string, em: EntityManager = this.dataSource.manager): Promise<PlanRow | undefined> {
    const [row] = await em.query<PlanRow[]>(`SELECT ${PLAN_COLUMNS} FROM plans WHERE code = $1`, [code]);
    return row && toPlan(row);
  }

  /** Applies `patch` (limits merged over the stored ones); the plan after, or undefined if there is none. */
  async updatePlan(code: string, patch: PlanPatch): Promise<PlanRow | undefined> {
    const [[row]] = await this.dataSource.query<[PlanRow[], number]>(
      `UPDATE plans SET name = coalesce($2, name), description = coalesce($3, description),
              price_monthly_cents = coalesce($4, price_monthly_cents), limits = limits || coalesce($5::jsonb, '{}'),
              active = coalesce($6, active), sort_order = coalesce($7, sort_order), updated_at = now()
        WHERE code = $1 RETURNING ${PLAN_COLUMNS}`,
      [
        code,
        patch.name ?? null,
        patch.description ?? null,
        patch.priceMonthlyCents ?? null,
        patch.limits ? JSON.stringify(patch.limits) : null,
        patch.active ?? null,
        patch.sortOrder ?? null,
      ],
    );
    return row && toPlan(row);
  }

  async findSubscription(
    organizationId: OrganizationId,
    em: EntityManager = this.dataSource.manager,
    lock = false,
  ): Promise<SubscriptionRow | undefined> {
    const [row] = await em.query<SubscriptionRow[]>(
      `SELECT ${SUBSCRIPTION_COLUMNS} FROM subscriptions s WHERE s.organization_id = $1${lock ? ' FOR UPDATE' : ''}`,
      [organizationId],
    );
    return row;
  }

  /** The subscription, the limits that apply and the current period's counters, in one statement. */
  async quotaSnapshot(organizationId: OrganizationId, defaultPlan: PlanCode): Promise<QuotaSnapshot | undefined> {
    const [row] = await this.dataSource.query<
      (SubscriptionRow & { plan: PlanCode; limits: unknown; used: Record<string, string> })[]
    >(
      `SELECT ${SUBSCRIPTION_COLUMNS}, p.code AS plan, p.limits,
              coalesce((SELECT jsonb_object_agg(u.metric, u.used) FROM usage_counters u
                         WHERE u.organization_id = s.organization_id AND u.period_start = s.current_period_start),
                       '{}') AS used
         FROM subscriptions s JOIN plans p ON p.code = ${effectivePlan('$2')}
        WHERE s.organization_id = $1`,
      [organizationId, defaultPlan],
    );
    if (!row) return undefined;
    const { plan, limits, used, ...subscription } = row;
    return {
      subscription,
      plan,
      limits: limitsFrom(limits),
      used: Object.fromEntries(Object.entries(used).map(([metric, value]) => [metric, Number(value)])),
    };
  }

  /** How much of a resource limit the organization has now. */
  async resourceCount(organizationId: OrganizationId, limit: ResourceLimit): Promise<number> {
    const [row] = await this.dataSource.query<{ n: string }[]>(`SELECT ${RESOURCE_COUNTS[limit]} AS n`, [
      organizationId,
    ]);
    return Number(row?.n ?? 0);
  }

  /** Every resource limit's count now, in one statement. */
  async resourceCounts(
    organizationId: OrganizationId,
    em: EntityManager = this.dataSource.manager,
  ): Promise<Record<ResourceLimit, number>> {
    const entries = Object.entries(RESOURCE_COUNTS);
    const [row] = await em.query<Record<string, string>[]>(
      `SELECT ${entries.map(([limit, sql]) => `${sql} AS ${limit}`).join(', ')}`,
      [organizationId],
    );
    return Object.fromEntries(entries.map(([limit]) => [limit, Number(row?.[limit] ?? 0)])) as Record<
      ResourceLimit,
      number
    >;
  }

  /** The current period's counters of a subscription (inside the caller's transaction). */
  async periodCounters(
    organizationId: OrganizationId,
    periodStart: Date,
    em: EntityManager = this.dataSource.manager,
  ): Promise<Partial<Record<UsageMetric, number>>> {
    const rows = await em.query<{ metric: UsageMetric; used: string }[]>(
      `SELECT metric, used FROM usage_counters WHERE organization_id = $1 AND period_start = $2`,
      [organizationId, periodStart],
    );
    return Object.fromEntries(rows.map((r) => [r.metric, Number(r.used)]));
  }

  /** Puts the organization on `plan` with `status` now; returns the row after. */
  async changePlan(
    em: EntityManager,
    organizationId: OrganizationId,
    plan: PlanCode,
    status: SubscriptionStatus,
  ): Promise<SubscriptionRow> {
    const [[row]] = await em.query<[SubscriptionRow[], number]>(
      `UPDATE subscriptions s SET plan_code = $2, status = $3::varchar, cancel_at_period_end = false,
              trial_ends_at = CASE WHEN $3::varchar = 'trialing' THEN s.trial_ends_at END, updated_at = now()
        WHERE s.organization_id = $1 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [organizationId, plan, status],
    );
    return row!;
  }

  async setCancelAtPeriodEnd(
    organizationId: OrganizationId,
    cancel: boolean,
    em: EntityManager = this.dataSource.manager,
  ): Promise<SubscriptionRow | undefined> {
    const [[row]] = await em.query<[SubscriptionRow[], number]>(
      `UPDATE subscriptions s SET cancel_at_period_end = $2, updated_at = now()
        WHERE s.organization_id = $1 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [organizationId, cancel],
    );
    return row;
  }

  async setUnavailableMessage(
    organizationId: OrganizationId,
    message: string | null,
    em: EntityManager = this.dataSource.manager,
  ): Promise<SubscriptionRow | undefined> {
    const [[row]] = await em.query<[SubscriptionRow[], number]>(
      `UPDATE subscriptions s SET unavailable_message = $2, updated_at = now()
        WHERE s.organization_id = $1 RETURNING ${SUBSCRIPTION_COLUMNS}`,
      [organizationId, message],
    );
    return row;
  }

  /**
   * Adds `deltas` to the counters of each organization's current period in one upsert (rows in key
   * order, so two meters never wait on each other in a cycle), returning the totals after and the
   * limits that apply. Organizations without a subscription are left out (the caller opens theirs
   * and meters them again). Across organizations by design: the outbox batch is.
   */
  async meter(
    em: EntityManager,
    deltas: readonly { organizationId: string; metric: UsageMetric; amount: number }[],
    defaultPlan: PlanCode,
  ): Promise<MeteredCounter[]> {
    if (deltas.length === 0) return [];
    const rows = await em.query<(Omit<MeteredCounter, 'used' | 'limits'> & { used: string; limits: unknown })[]>(
      `WITH upserted AS (
         INSERT INTO usage_counters AS c (organization_id, period_start, metric, used)
         SELECT d.organization_id, s.current_period_start, d.metric, d.amount
           FROM jsonb_to_recordset($1::jsonb) AS d(organization_id uuid, metric text, amount bigint)
           JOIN subscriptions s ON s.organization_id = d.organization_id
          ORDER BY d.organization_id, d.metric
         ON CONFLICT (organization_id, period_start, metric)
           DO UPDATE SET used = c.used + excluded.used, updated_at = now()
         RETURNING c.organization_id, c.period_start, c.metric, c.used
       )
       SELECT u.organization_id AS "organizationId", u.period_start AS "periodStart", u.metric, u.used,
              p.code AS plan, p.limits
         FROM upserted u
         JOIN subscriptions s ON s.organization_id = u.organization_id
         JOIN plans p ON p.code = ${effectivePlan('$2')}`,
      [
        JSON.stringify(deltas.map((d) => ({ organization_id: d.organizationId, metric: d.metric, amount: d.amount }))),
        defaultPlan,
      ],
    );
    return rows.map((r) => ({ ...r, used: Number(r.used), limits: limitsFrom(r.limits) }));
  }

  /** Records the warnings not recorded yet (once per organization, period, limit and threshold): the new ones. */
  async insertWarnings(em: EntityManager, warnings: readonly WarningRow[]): Promise<WarningRow[]> {
    if (warnings.length === 0) return [];
    const rows = await em.query<(Omit<WarningRow, 'used' | 'max'> & { used: string; max: string })[]>(
      `INSERT INTO usage_warnings (organization_id, period_start, usage_limit, threshold, used, max)
       SELECT w.organization_id, w.period_start, w.usage_limit, w.threshold, w.used, w.max
         FROM jsonb_to_recordset($1::jsonb)
           AS w(organization_id uuid, period_start timestamptz, usage_limit text, threshold smallint, used bigint, max bigint)
        ORDER BY w.organization_id, w.usage_limit, w.threshold
       ON CONFLICT DO NOTHING
       RETURNING organization_id AS "organizationId", period_start AS "periodStart", usage_limit AS "limit",
                 threshold, used, max`,
      [
        JSON.stringify(
          warnings.map((w) => ({
            organization_id: w.organizationId,
            period_start: w.periodStart.toISOString(),
            usage_limit: w.limit,
            threshold: w.threshold,
            used: w.used,
            max: w.max,
          })),
        ),
      ],
    );
    return rows.map((r) => ({ ...r, used: Number(r.used), max: Number(r.max) }));
  }

  /**
   * Moves up to `batch` due subscriptions on, skipping rows another rollover holds: a period that
   * ended starts the period containing now (months counted from the old start, so missed periods
   * are skipped, not replayed); a trial that ended goes to `defaultPlan`, `active`; a cancellation
   * at period end becomes `canceled` on `defaultPlan`. Platform-wide by design.
   */
  async rollover(em: EntityManager, defaultPlan: PlanCode, batch: number): Promise<RolledOver[]> {
    const [rows] = await em.query<[RolledOver[], number]>(
      `WITH due AS (
         SELECT s.organization_id, s.plan_code, s.status, s.current_period_start,
                s.current_period_end <= now() AS period_ended,
                s.status = 'trialing' AND s.trial_ends_at <= now() AS trial_ended
           FROM subscriptions s
          WHERE s.current_period_end <= now() OR (s.status = 'trialing' AND s.trial_ends_at <= now())
          ORDER BY s.organization_id
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), next AS (
         SELECT d.*, CASE WHEN d.period_ended
                     THEN greatest(1, (extract(year FROM age(now(), d.current_period_start)) * 12
                                       + extract(month FROM age(now(), d.current_period_start)))::int)
                     ELSE 0 END AS months,
                d.period_ended AND s.cancel_at_period_end AS canceling
           FROM due d JOIN subscriptions s ON s.organization_id = d.organization_id
       )
       UPDATE subscriptions s SET
              plan_code = CASE WHEN n.canceling OR n.trial_ended THEN $1 ELSE s.plan_code END,
              status = CASE WHEN n.canceling THEN 'canceled' WHEN n.trial_ended THEN 'active' ELSE s.status END,
              trial_ends_at = CASE WHEN n.trial_ended OR n.canceling THEN NULL ELSE s.trial_ends_at END,
              cancel_at_period_end = s.cancel_at_period_end AND NOT n.period_ended,
              current_period_start = s.current_period_start + make_interval(months => n.months),
              current_period_end = s.current_period_start + make_interval(months => n.months + 1),
              updated_at = now()
         FROM next n
        WHERE s.organization_id = n.organization_id
       RETURNING s.organization_id AS "organizationId", s.plan_code AS "planCode", n.plan_code AS "previousPlanCode",
                 s.status, n.status AS "previousStatus", s.current_period_end AS "currentPeriodEnd"`,
      [defaultPlan, batch],
    );
    return rows;
  }
}
