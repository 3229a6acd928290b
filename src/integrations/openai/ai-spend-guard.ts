import type { OrganizationId } from '@/access/organization-id';
import type { AiOperation } from './openai.types';

/** Why an AI call was refused before it was made. */
export interface AiSpendRefusal {
  /** `quota_exceeded`: the plan's AI tokens (or transcription minutes) for the period are used up; `budget_exceeded`: the organization's monthly AI budget is spent. */
  readonly code: 'quota_exceeded' | 'budget_exceeded';
  /** For the session log and the operator, e.g. "the monthly AI budget of $20.00 is spent ($20.13)". */
  readonly message: string;
}

/**
 * Asked by `OpenAiClient` before every call it would make for an organization: billing binds it
 * (the quota check where an AI action starts). Unbound (no billing module), every call is allowed.
 * Must be cheap: it runs on the chat turn's path before each OpenAI block.
 */
export abstract class AiSpendGuard {
  /** Undefined: go ahead; a refusal: the call is not made and fails with the refusal's code. */
  abstract check(organizationId: OrganizationId, operation: AiOperation): Promise<AiSpendRefusal | undefined>;
}
