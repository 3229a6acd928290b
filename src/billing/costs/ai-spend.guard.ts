import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import { AiBudgets, Quotas } from '@/billing/billing.contracts';
import type { AiSpendGuard, AiSpendRefusal } from '@/integrations/openai/ai-spend-guard';
import type { AiOperation } from '@/integrations/openai/openai.types';

const QUOTA_EXCEEDED = 'billing.quota_exceeded';

const isQuotaExceeded = (error: unknown): error is Error =>
  error instanceof Error && (error as Error & { code?: unknown }).code === QUOTA_EXCEEDED;

/**
 * Asked by `OpenAiClient` before each call: the plan's quotas first (`ai_tokens`, and one
 * `transcription_minutes` for a transcription), when billing binds `Quotas`; then the monthly AI
 * budget. A refusal is logged (warn) with the organization and why, and the call is not made.
 */
@Injectable()
export class BillingAiSpendGuard implements AiSpendGuard {
  private readonly logger = new Logger('AiSpendGuard');

  constructor(
    @Inject(AiBudgets) private readonly budgets: AiBudgets,
    @Optional() @Inject(Quotas) private readonly quotas: Quotas | null = null,
  ) {}

  async check(organizationId: OrganizationId, operation: AiOperation): Promise<AiSpendRefusal | undefined> {
    const refusal = (await this.quota(organizationId, operation)) ?? (await this.budgets.check(organizationId));
    if (refusal) {
      this.logger.warn(
        `OpenAI ${operation} call refused for organization ${organizationId} (${refusal.code}): ${refusal.message}`,
      );
    }
    return refusal;
  }

  private async quota(organizationId: OrganizationId, operation: AiOperation): Promise<AiSpendRefusal | undefined> {
    if (!this.quotas) return undefined;
    try {
      await this.quotas.assertAvailable(organizationId, 'ai_tokens');
      if (operation === 'transcription') {
        await this.quotas.assertAvailable(organizationId, 'transcription_minutes', 1);
      }
      return undefined;
    } catch (error) {
      if (isQuotaExceeded(error)) return { code: 'quota_exceeded', message: error.message };
      throw error;
    }
  }
}
