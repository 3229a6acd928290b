import type { OrganizationId } from '@/access/organization-id';
import type { AiSpendRefusal } from '@/integrations/openai/ai-spend-guard';

/**
 * The limits of a plan. Period limits (`sessions`, `messages`, `ai_tokens`,
 * `transcription_minutes`) count usage in the subscription's current period; the others
 * (`members`, `chatbots`, `whatsapp_numbers`, `contacts`) count what exists now.
 */
export const usageLimits = [
  'members',
  'chatbots',
  'sessions',
  'messages',
  'ai_tokens',
  'whatsapp_numbers',
  'contacts',
  'transcription_minutes',
] as const;
export type UsageLimit = (typeof usageLimits)[number];

/**
 * The one synchronous call into billing: where an action starts, other modules ask whether the
 * organization may do `amount` more of `limit`. Implemented by `src/billing` (`QuotaService`).
 */
export abstract class Quotas {
  /**
   * Resolves when the action may go ahead; throws `QuotaExceeded` (402 problem+json
   * `billing.quota_exceeded` naming the limit) when it would pass a hard limit of the plan.
   * Cheap on hot paths (cached per process for `BILLING_QUOTA_CACHE_MS`).
   */
  abstract assertAvailable(organizationId: OrganizationId, limit: UsageLimit, amount?: number): Promise<void>;
}

/** The organization's monthly AI budget (src/billing/costs): a refusal once it is spent. */
export abstract class AiBudgets {
  abstract check(organizationId: OrganizationId): Promise<AiSpendRefusal | undefined>;
}

/**
 * What `Quotas.assertAvailable` throws (`QuotaExceeded`, a 402 problem): the limit, and the
 * organization's "unavailable" message, which the public chat APIs answer as the bot's only message
 * instead of an error.
 */
export interface QuotaRefusal extends Error {
  readonly code: 'billing.quota_exceeded';
  readonly limit: UsageLimit;
  readonly unavailableMessage: string;
}

export const isQuotaRefusal = (error: unknown): error is QuotaRefusal =>
  error instanceof Error && (error as { code?: unknown }).code === 'billing.quota_exceeded';
