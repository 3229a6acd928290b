import { Body, Controller, Get, Header, Put, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { AiBudgetService } from './ai-budget.service';
import { CostsService } from './costs.service';
import { BudgetDto, SetBudgetDto } from './dto/budget.dto';
import { CostReportDto, CostsQueryDto } from './dto/costs.dto';

@ApiTags('billing')
@Controller('billing')
export class CostsController {
  constructor(
    private readonly costs: CostsService,
    private readonly budgets: AiBudgetService,
  ) {}

  @Get('costs')
  @Roles('org_admin')
  @ApiOperation({
    summary: 'AI costs of a date range: the total and its breakdowns by day, model and chatbot',
    description:
      'Days are UTC, `from` and `to` both included (default: this month). Each breakdown adds up to the total; ' +
      '`unpricedCalls` counts calls the price table cannot price (counted at 0 USD).',
  })
  @ApiOkResponse({ type: CostReportDto })
  @ApiProblems(400)
  report(@CurrentTenant() tenant: TenantContext, @Query() query: CostsQueryDto): Promise<CostReportDto> {
    return this.costs.report(tenant.organizationId, query);
  }

  @Get('costs.csv')
  @Roles('org_admin')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({
    summary: 'The ledger entries of a date range as CSV (one row per OpenAI call), streamed',
    description: 'Same parameters as `GET /billing/costs`; `cost_usd` is exact (9 decimals).',
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV', schema: { type: 'string' } })
  @ApiProblems(400)
  exportCsv(@CurrentTenant() tenant: TenantContext, @Query() query: CostsQueryDto): StreamableFile {
    const { range, stream } = this.costs.exportCsv(tenant.organizationId, query);
    return new StreamableFile(stream, {
      disposition: `attachment; filename="ai-costs-${range.from}-${range.to}.csv"`,
      type: 'text/csv; charset=utf-8',
    });
  }

  @Get('budget')
  @Roles('viewer')
  @ApiOperation({ summary: "The organization's monthly AI budget and this month's spend (calendar month, UTC)" })
  @ApiOkResponse({ type: BudgetDto })
  budget(@CurrentTenant() tenant: TenantContext): Promise<BudgetDto> {
    return this.budgets.get(tenant.organizationId);
  }

  @Put('budget')
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Set or remove (null) the monthly AI budget',
    description:
      'Admins are warned (`billing.quota_warning`, `limit: ai_budget_usd`) at 80% and 100%, once a month each; ' +
      'once it is spent, OpenAI blocks take their error path (`billing.ai_budget_exhausted`) without calling OpenAI.',
  })
  @ApiOkResponse({ type: BudgetDto })
  @ApiProblems(400)
  setBudget(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: SetBudgetDto,
  ): Promise<BudgetDto> {
    return this.budgets.set(tenant.organizationId, principal.kind === 'user' ? principal.userId : null, dto);
  }
}
