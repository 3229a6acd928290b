import { Logger } from '@nestjs/common';
import { asOrganizationId } from '@/access/organization-id';
import type { AiBudgets, Quotas, UsageLimit } from '@/billing/billing.contracts';
import { DomainException } from '@/common/errors/domain.exception';
import type { AiSpendRefusal } from '@/integrations/openai/ai-spend-guard';
import { BillingAiSpendGuard } from './ai-spend.guard';

const org = asOrganizationId('0190f5a0-0000-7000-8000-000000000001');

/** What billing's QuotaService throws (a 402 `billing.quota_exceeded`). */
class QuotaExceeded extends DomainException {
  constructor(limit: UsageLimit) {
    super({ code: 'billing.quota_exceeded', status: 402, detail: `The plan's ${limit} for this period are used up.` });
  }
}

class OtherBillingError extends DomainException {
  constructor() {
    super({ code: 'billing.other', status: 500, detail: 'x' });
  }
}

class FakeQuotas implements Quotas {
  readonly asked: [UsageLimit, number | undefined][] = [];
  exhausted: UsageLimit | undefined;
  failure: Error | undefined;

  assertAvailable(_org: unknown, limit: UsageLimit, amount?: number): Promise<void> {
    this.asked.push([limit, amount]);
    if (this.failure) return Promise.reject(this.failure);
    if (limit === this.exhausted) {
      return Promise.reject(new QuotaExceeded(limit));
    }
    return Promise.resolve();
  }
}

class FakeBudgets implements AiBudgets {
  asked = 0;
  refusal: AiSpendRefusal | undefined;
  check(): Promise<AiSpendRefusal | undefined> {
    this.asked++;
    return Promise.resolve(this.refusal);
  }
}

describe('BillingAiSpendGuard', () => {
  let quotas: FakeQuotas;
  let budgets: FakeBudgets;
  let warn: jest.SpyInstance;
  beforeEach(() => {
    quotas = new FakeQuotas();
    budgets = new FakeBudgets();
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('lets a call go when the quotas and the budget allow it, asking ai_tokens (and a transcription minute)', async () => {
    const guard = new BillingAiSpendGuard(budgets, quotas);
    await expect(guard.check(org, 'chat')).resolves.toBeUndefined();
    await expect(guard.check(org, 'transcription')).resolves.toBeUndefined();
    expect(quotas.asked).toEqual([
      ['ai_tokens', undefined],
      ['ai_tokens', undefined],
      ['transcription_minutes', 1],
    ]);
    expect(budgets.asked).toBe(2);
    expect(warn).not.toHaveBeenCalled();
  });

  it('maps a quota refusal to quota_exceeded with its message, without asking the budget', async () => {
    quotas.exhausted = 'transcription_minutes';
    const guard = new BillingAiSpendGuard(budgets, quotas);
    await expect(guard.check(org, 'chat')).resolves.toBeUndefined();
    await expect(guard.check(org, 'transcription')).resolves.toEqual({
      code: 'quota_exceeded',
      message: "The plan's transcription_minutes for this period are used up.",
    });
    expect(budgets.asked).toBe(1);
    expect(warn).toHaveBeenCalledWith(
      `OpenAI transcription call refused for organization ${org} (quota_exceeded): The plan's transcription_minutes for this period are used up.`,
    );
  });

  it('rethrows any other failure of the quota check', async () => {
    quotas.failure = new Error('database down');
    await expect(new BillingAiSpendGuard(budgets, quotas).check(org, 'chat')).rejects.toThrow('database down');
    quotas.failure = new OtherBillingError();
    await expect(new BillingAiSpendGuard(budgets, quotas).check(org, 'chat')).rejects.toThrow('x');
  });

  it('asks only the budget when billing binds no Quotas', async () => {
    budgets.refusal = {
      code: 'budget_exceeded',
      message: 'the monthly AI budget of $20.00 is spent ($20.13 this month)',
    };
    await expect(new BillingAiSpendGuard(budgets).check(org, 'speech')).resolves.toEqual(budgets.refusal);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
