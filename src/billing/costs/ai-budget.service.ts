import { Injectable } from '@nestjs/common';
import type { OrganizationId } from '@/access/organization-id';
import type { AiBudgets } from '@/billing/billing.contracts';
import { type AppConfig, InjectConfig } from '@/config';
import type { AiSpendRefusal } from '@/integrations/openai/ai-spend-guard';
import { CostsRepository } from './costs.repository';
import type { BudgetDto, SetBudgetDto } from './dto/budget.dto';
import { centsString, formatUsd, parseNanos, percentOf, usdNumber } from './money';

/** Budget and month-to-date spend, as read. */
interface BudgetState {
  readonly budget: bigint | null;
  readonly spent: bigint;
  readonly month: string;
}

/** Organizations whose state a process keeps (the oldest is forgotten first). */
const MAX_CACHED = 10_000;

/**
 * The organizations' monthly AI budgets (calendar month, UTC). `check` runs before every OpenAI
 * call (through the spend guard): it reads the budget and this month's roll-up in one indexed
 * query, kept per process for `BILLING_QUOTA_CACHE_MS`. The roll-up is written by the ledger
 * consumer after the call's event is dispatched, so a budget is a soft cap: calls already running,
 * and those within the cache time and the outbox's lag, still go through.
 */
@Injectable()
export class AiBudgetService implements AiBudgets {
  private readonly cache = new Map<OrganizationId, { readonly until: number; readonly state: BudgetState }>();
  private readonly cacheMs: number;

  constructor(
    private readonly repo: CostsRepository,
    @InjectConfig() config: AppConfig,
  ) {
    this.cacheMs = config.billing.quotaCacheMs;
  }

  async check(organizationId: OrganizationId): Promise<AiSpendRefusal | undefined> {
    const { budget, spent } = await this.state(organizationId);
    if (budget === null || spent < budget) return undefined;
    return {
      code: 'budget_exceeded',
      message: `the monthly AI budget of ${formatUsd(budget)} is spent (${formatUsd(spent)} this month)`,
    };
  }

  async get(organizationId: OrganizationId): Promise<BudgetDto> {
    return toDto(await this.read(organizationId));
  }

  async set(organizationId: OrganizationId, userId: string | null, dto: SetBudgetDto): Promise<BudgetDto> {
    const amount = dto.monthlyBudgetUsd === null ? null : centsString(dto.monthlyBudgetUsd);
    await this.repo.transaction((em) => this.repo.setBudget(em, organizationId, amount, userId));
    this.cache.delete(organizationId); // this process sees it at once; others within the cache time
    return toDto(await this.read(organizationId));
  }

  private async state(organizationId: OrganizationId): Promise<BudgetState> {
    if (this.cacheMs === 0) return this.read(organizationId);
    const cached = this.cache.get(organizationId);
    if (cached && cached.until > Date.now()) return cached.state;
    const state = await this.read(organizationId);
    this.cache.delete(organizationId);
    this.cache.set(organizationId, { until: Date.now() + this.cacheMs, state });
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    return state;
  }

  private async read(organizationId: OrganizationId): Promise<BudgetState> {
    const row = await this.repo.budget(organizationId);
    return {
      budget: row.budget_usd === null ? null : parseNanos(row.budget_usd),
      spent: parseNanos(row.spent_usd),
      month: row.month,
    };
  }
}

function toDto(state: BudgetState): BudgetDto {
  return {
    monthlyBudgetUsd: state.budget === null ? null : usdNumber(state.budget),
    monthToDateUsd: usdNumber(state.spent),
    percentUsed: percentOf(state.spent, state.budget),
    periodStart: `${state.month}T00:00:00.000Z`,
    currency: 'USD',
  };
}
