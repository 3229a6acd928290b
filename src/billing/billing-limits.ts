import type { PlanCode } from '@/config/app-config';
import { type UsageLimit, usageLimits } from './billing.contracts';

export const planCodes = ['free', 'starter', 'professional', 'enterprise'] as const satisfies readonly PlanCode[];

export const subscriptionStatuses = ['trialing', 'active', 'past_due', 'canceled'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

/** A plan's limits: one entry per limit, null meaning unlimited. */
export type PlanLimits = Readonly<Record<UsageLimit, number | null>>;

/** What is counted per organization and period (`usage_counters.metric`). */
export const usageMetrics = [
  'sessions',
  'messages',
  'ai_tokens',
  'transcription_seconds',
  'webhook_deliveries',
] as const;
export type UsageMetric = (typeof usageMetrics)[number];

/** Limits counted in the current period (the others count what exists now). */
export const periodLimits = ['sessions', 'messages', 'ai_tokens', 'transcription_minutes'] as const;
export type PeriodLimit = (typeof periodLimits)[number];
export type ResourceLimit = Exclude<UsageLimit, PeriodLimit>;

export const isPeriodLimit = (limit: UsageLimit): limit is PeriodLimit =>
  (periodLimits as readonly string[]).includes(limit);

/** The metric a period limit is measured by. */
export const metricOf: Readonly<Record<PeriodLimit, UsageMetric>> = {
  sessions: 'sessions',
  messages: 'messages',
  ai_tokens: 'ai_tokens',
  transcription_minutes: 'transcription_seconds',
};

/** A period limit's usage in the limit's own unit (transcription: started minutes). */
export function usedOf(limit: PeriodLimit, counters: Readonly<Partial<Record<UsageMetric, number>>>): number {
  const value = counters[metricOf[limit]] ?? 0;
  return limit === 'transcription_minutes' ? Math.ceil(value / 60) : value;
}

/** The limit a metric counts against (none for webhook deliveries: reported, not limited). */
export const limitOfMetric = (metric: UsageMetric): PeriodLimit | undefined =>
  periodLimits.find((limit) => metricOf[limit] === metric);

export const warningThresholds = [80, 100] as const;
export type WarningThreshold = (typeof warningThresholds)[number];

/**
 * The thresholds that `used` of `max` has reached. A limit of 0 (not in the plan) or none warns
 * nothing: every use is refused, there is nothing to warn about.
 */
export function thresholdsReached(used: number, max: number | null): WarningThreshold[] {
  if (max === null || max <= 0) return [];
  return warningThresholds.filter((threshold) => used * 100 >= max * threshold);
}

/** Percent of `max` used, one decimal (null when unlimited; 100 for any use of a 0 limit). */
export function percentOf(used: number, max: number | null): number | null {
  if (max === null) return null;
  if (max <= 0) return used > 0 ? 100 : 0;
  return Math.round((used * 1000) / max) / 10;
}

/** Limits of `target` that `used` exceeds (a downgrade's obstacles), in `usageLimits` order. */
export function limitsExceeded(
  used: Readonly<Record<UsageLimit, number>>,
  target: PlanLimits,
): { limit: UsageLimit; used: number; max: number }[] {
  return usageLimits.flatMap((limit) => {
    const max = target[limit];
    return max !== null && used[limit] > max ? [{ limit, used: used[limit], max }] : [];
  });
}

/** Limits read from a `plans.limits` value: missing or malformed entries are unlimited. */
export function limitsFrom(value: unknown): PlanLimits {
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return Object.fromEntries(
    usageLimits.map((limit) => {
      const v = record[limit];
      return [limit, typeof v === 'number' && Number.isFinite(v) ? v : null];
    }),
  ) as Record<UsageLimit, number | null>;
}

/** The default "unavailable" message of a bot whose organization is over a limit. */
export const DEFAULT_UNAVAILABLE_MESSAGE = 'Sorry, this assistant is unavailable right now. Please try again later.';
