import { asOrganizationId } from '@/access/organization-id';
import type { AppConfig } from '@/config';
import { AiBudgetService } from './ai-budget.service';
import type { BudgetRow, CostsRepository } from './costs.repository';

const org = asOrganizationId('0190f5a0-0000-7000-8000-000000000001');

function setup(cacheMs: number, row: BudgetRow) {
  const state = { row, reads: 0, writes: [] as (string | null)[] };
  const repo = {
    budget: () => {
      state.reads++;
      return Promise.resolve(state.row);
    },
    transaction: <T>(work: (em: never) => Promise<T>) => work(undefined as never),
    setBudget: (_em: unknown, _org: unknown, amount: string | null) => {
      state.writes.push(amount);
      state.row = { ...state.row, budget_usd: amount };
      return Promise.resolve();
    },
  } as unknown as CostsRepository;
  const config = { billing: { quotaCacheMs: cacheMs } } as AppConfig;
  return { service: new AiBudgetService(repo, config), state };
}

describe('AiBudgetService', () => {
  it('refuses once the month-to-date spend reaches the budget, saying both amounts', async () => {
    const { service, state } = setup(0, { budget_usd: '20.00', spent_usd: '19.999999999', month: '2026-12-01' });
    await expect(service.check(org)).resolves.toBeUndefined();
    state.row = { ...state.row, spent_usd: '20.130000000' };
    await expect(service.check(org)).resolves.toEqual({
      code: 'budget_exceeded',
      message: 'the monthly AI budget of $20.00 is spent ($20.13 this month)',
    });
    state.row = { ...state.row, budget_usd: null };
    await expect(service.check(org)).resolves.toBeUndefined();
    expect(state.reads).toBe(3);
  });

  it('keeps what it read for BILLING_QUOTA_CACHE_MS, and forgets it when this process sets the budget', async () => {
    const { service, state } = setup(60_000, { budget_usd: '5.00', spent_usd: '6', month: '2026-12-01' });
    await expect(service.check(org)).resolves.toMatchObject({ code: 'budget_exceeded' });
    state.row = { ...state.row, budget_usd: '100.00' };
    await expect(service.check(org)).resolves.toMatchObject({ code: 'budget_exceeded' }); // cached
    expect(state.reads).toBe(1);
    await expect(service.set(org, null, { monthlyBudgetUsd: 10.5 })).resolves.toEqual({
      monthlyBudgetUsd: 10.5,
      monthToDateUsd: 6,
      percentUsed: 57.1,
      periodStart: '2026-12-01T00:00:00.000Z',
      currency: 'USD',
    });
    expect(state.writes).toEqual(['10.50']);
    await expect(service.check(org)).resolves.toBeUndefined();
  });

  it('answers the budget with the spend, without one too', async () => {
    const { service } = setup(0, { budget_usd: null, spent_usd: '0.000360000', month: '2026-12-01' });
    await expect(service.get(org)).resolves.toEqual({
      monthlyBudgetUsd: null,
      monthToDateUsd: 0.00036,
      percentUsed: null,
      periodStart: '2026-12-01T00:00:00.000Z',
      currency: 'USD',
    });
  });
});
