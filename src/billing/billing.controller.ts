import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, CurrentTenant, Roles, SuperAdmin } from '@/access/access.decorators';
import type { Principal, TenantContext } from '@/access/principal';
import { ApiProblems } from '@/common/openapi/api-problems.decorator';
import { planCodes } from './billing-limits';
import { BillingService } from './billing.service';
import {
  BillingSettingsDto,
  ChangePlanDto,
  PlanDto,
  SubscriptionDto,
  UpdateBillingSettingsDto,
  UpdatePlanDto,
  UsageDto,
} from './dto/billing.dto';

/** Plans, the organization's subscription, usage and billing settings: members read, admins change. */
@ApiTags('billing')
@Controller('billing')
export class BillingController {
  constructor(private readonly billing: BillingService) {}

  @Get('plans')
  @Roles('viewer')
  @ApiOperation({ summary: 'The plans and their limits (null: unlimited)' })
  @ApiOkResponse({ type: [PlanDto] })
  plans(): Promise<PlanDto[]> {
    return this.billing.plans();
  }

  @Patch('plans/:code')
  @SuperAdmin()
  @ApiOperation({
    summary: "Edit a plan (super admins): applies at once to every organization on it; `limits` merge over the plan's",
  })
  @ApiParam({ name: 'code', enum: planCodes })
  @ApiOkResponse({ type: PlanDto })
  @ApiProblems(400, 404)
  updatePlan(@Param('code') code: string, @Body() dto: UpdatePlanDto): Promise<PlanDto> {
    return this.billing.updatePlan(code, dto);
  }

  @Get('subscription')
  @Roles('viewer')
  @ApiOperation({ summary: "The organization's subscription: plan, status, current period" })
  @ApiOkResponse({ type: SubscriptionDto })
  subscription(@CurrentTenant() tenant: TenantContext): Promise<SubscriptionDto> {
    return this.billing.subscription(tenant.organizationId);
  }

  @Put('subscription')
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Change plan now (no payment provider is wired: `active` at once)',
    description:
      'Refused with 409 `billing.downgrade_exceeds_limits` (every limit at fault in `limits`, with used and max) ' +
      'when the organization uses more than the plan allows. Clears a pending cancellation. Emits `billing.subscription_changed`.',
  })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiProblems(400, 409)
  changePlan(
    @CurrentTenant() tenant: TenantContext,
    @CurrentPrincipal() principal: Principal,
    @Body() dto: ChangePlanDto,
  ): Promise<SubscriptionDto> {
    return this.billing.changePlan(
      tenant.organizationId,
      principal.kind === 'user' ? principal.userId : null,
      dto.plan,
    );
  }

  @Post('subscription/cancel')
  @HttpCode(200)
  @Roles('org_admin')
  @ApiOperation({
    summary: 'Cancel at the end of the current period (then on the default plan); undone by a plan change',
  })
  @ApiOkResponse({ type: SubscriptionDto })
  @ApiProblems(409)
  cancel(@CurrentTenant() tenant: TenantContext): Promise<SubscriptionDto> {
    return this.billing.cancel(tenant.organizationId);
  }

  @Get('usage')
  @Roles('viewer')
  @ApiOperation({ summary: 'The current period: each limit with used, max and percent; webhook deliveries' })
  @ApiOkResponse({ type: UsageDto })
  usage(@CurrentTenant() tenant: TenantContext): Promise<UsageDto> {
    return this.billing.usage(tenant.organizationId);
  }

  @Get('settings')
  @Roles('viewer')
  @ApiOperation({ summary: "Billing settings: the bot's answer while the organization is over a limit" })
  @ApiOkResponse({ type: BillingSettingsDto })
  settings(@CurrentTenant() tenant: TenantContext): Promise<BillingSettingsDto> {
    return this.billing.settings(tenant.organizationId);
  }

  @Patch('settings')
  @Roles('org_admin')
  @ApiOperation({ summary: 'Change the billing settings (`unavailableMessage` null: the default)' })
  @ApiOkResponse({ type: BillingSettingsDto })
  @ApiProblems(400)
  updateSettings(
    @CurrentTenant() tenant: TenantContext,
    @Body() dto: UpdateBillingSettingsDto,
  ): Promise<BillingSettingsDto> {
    return this.billing.updateSettings(tenant.organizationId, dto);
  }
}
