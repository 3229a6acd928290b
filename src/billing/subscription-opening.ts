import type { EntityManager } from 'typeorm';
import type { BillingConfig } from '@/config/app-config';

/**
 * Opens the subscription of organizations that have none (in the caller's transaction): the trial
 * plan, `trialing` for `BILLING_TRIAL_DAYS` from the organization's creation (0: the default plan,
 * `active`), in the monthly period anchored at its creation that contains now. Called where an
 * organization is inserted (`src/users`, in the same transaction), and by billing itself for an
 * organization that somehow has no row (so that its usage is never lost). Existing rows are left as
 * they are. Periods are whole seconds (they are keys of the usage counters).
 */
export async function openSubscriptions(
  em: EntityManager,
  organizationIds: readonly string[],
  billing: Pick<BillingConfig, 'trialPlan' | 'trialDays' | 'defaultPlan'>,
): Promise<void> {
  if (organizationIds.length === 0) return;
  const trial = billing.trialDays > 0;
  await em.query(
    `INSERT INTO subscriptions (organization_id, plan_code, status, trial_ends_at, current_period_start, current_period_end)
     SELECT o.id, $2, $3, CASE WHEN $4::int > 0 THEN a.anchor + make_interval(days => $4::int) END,
            a.anchor + make_interval(months => p.months), a.anchor + make_interval(months => p.months + 1)
       FROM organizations o
      CROSS JOIN LATERAL (SELECT date_trunc('second', o.created_at) AS anchor) a
      CROSS JOIN LATERAL (SELECT greatest(0, (extract(year FROM age(now(), a.anchor)) * 12
                                 + extract(month FROM age(now(), a.anchor)))::int) AS months) p
      WHERE o.id = ANY($1::uuid[])
      ORDER BY o.id
     ON CONFLICT (organization_id) DO NOTHING`,
    [
      organizationIds,
      trial ? billing.trialPlan : billing.defaultPlan,
      trial ? 'trialing' : 'active',
      billing.trialDays,
    ],
  );
}
