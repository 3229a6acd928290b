import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsString, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import type { PlanCode } from '@/config/app-config';
import { type UsageLimit, usageLimits } from '../billing.contracts';
import { percentOf, planCodes, type SubscriptionStatus, subscriptionStatuses } from '../billing-limits';
import type { PlanRow, SubscriptionRow } from '../billing.repository';

/** Limits are counts stored as bigint; JavaScript keeps integers exact up to 2^53. */
const MAX_LIMIT = Number.MAX_SAFE_INTEGER;

const limitDescriptions: Readonly<Record<UsageLimit, string>> = {
  members: 'Members plus open invitations',
  chatbots: 'Chatbots not archived',
  sessions: 'Chat sessions started per period (previews excluded)',
  messages: 'Visitor, bot and agent messages per period (not notes or activity lines)',
  ai_tokens: 'AI tokens (prompt + completion) per period',
  whatsapp_numbers: 'WhatsApp numbers connected',
  contacts: 'Contacts',
  transcription_minutes: 'Minutes of audio transcribed per period (rounded up)',
};

export class PlanLimitsDto implements Record<UsageLimit, number | null> {
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.members })
  members!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.chatbots })
  chatbots!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.sessions })
  sessions!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.messages })
  messages!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.ai_tokens })
  ai_tokens!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.whatsapp_numbers })
  whatsapp_numbers!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.contacts })
  contacts!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: limitDescriptions.transcription_minutes })
  transcription_minutes!: number | null;
}

export class PlanDto {
  @ApiProperty({ enum: planCodes })
  code!: PlanCode;
  @ApiProperty()
  name!: string;
  @ApiProperty()
  description!: string;
  @ApiProperty({ description: 'Price per month in US cents' })
  priceMonthlyCents!: number;
  @ApiProperty({ type: PlanLimitsDto, description: 'null: unlimited' })
  limits!: PlanLimitsDto;
  @ApiProperty({ description: 'Offered to organizations (an inactive plan keeps the organizations on it)' })
  active!: boolean;
  @ApiProperty()
  sortOrder!: number;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const toPlanDto = (plan: PlanRow): PlanDto => ({
  code: plan.code,
  name: plan.name,
  description: plan.description,
  priceMonthlyCents: plan.priceMonthlyCents,
  limits: { ...plan.limits },
  active: plan.active,
  sortOrder: plan.sortOrder,
  updatedAt: plan.updatedAt.toISOString(),
});

/** A limit in a plan edit: a count, or null for unlimited; left out: unchanged. */
function LimitField(limit: UsageLimit): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: Number,
      nullable: true,
      minimum: 0,
      description: `${limitDescriptions[limit]}; null: unlimited`,
    })(target, key);
    OptionalNullable()(target, key);
    IsInt()(target, key);
    Min(0)(target, key);
    Max(MAX_LIMIT)(target, key);
  };
}

export class UpdatePlanLimitsDto implements Partial<Record<UsageLimit, number | null>> {
  @LimitField('members') members?: number | null;
  @LimitField('chatbots') chatbots?: number | null;
  @LimitField('sessions') sessions?: number | null;
  @LimitField('messages') messages?: number | null;
  @LimitField('ai_tokens') ai_tokens?: number | null;
  @LimitField('whatsapp_numbers') whatsapp_numbers?: number | null;
  @LimitField('contacts') contacts?: number | null;
  @LimitField('transcription_minutes') transcription_minutes?: number | null;
}

export class UpdatePlanDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 100 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 1000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(1000)
  description?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 100_000_000 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  priceMonthlyCents?: number;

  @ApiPropertyOptional({ type: UpdatePlanLimitsDto, description: 'Merged over the current limits' })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => UpdatePlanLimitsDto)
  limits?: UpdatePlanLimitsDto;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000 })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(1000)
  sortOrder?: number;
}

export class SubscriptionDto {
  @ApiProperty({ enum: planCodes })
  plan!: PlanCode;
  @ApiProperty({ enum: subscriptionStatuses })
  status!: SubscriptionStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  trialEndsAt!: string | null;
  @ApiProperty({ format: 'date-time' })
  currentPeriodStart!: string;
  @ApiProperty({ format: 'date-time' })
  currentPeriodEnd!: string;
  @ApiProperty({ description: 'Canceled when the period ends (then on the default plan)' })
  cancelAtPeriodEnd!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The payment provider (none is wired: null)' })
  provider!: string | null;
}

export const toSubscriptionDto = (s: SubscriptionRow): SubscriptionDto => ({
  plan: s.planCode,
  status: s.status,
  trialEndsAt: s.trialEndsAt?.toISOString() ?? null,
  currentPeriodStart: s.currentPeriodStart.toISOString(),
  currentPeriodEnd: s.currentPeriodEnd.toISOString(),
  cancelAtPeriodEnd: s.cancelAtPeriodEnd,
  provider: s.provider,
});

export class ChangePlanDto {
  @ApiProperty({ enum: planCodes })
  @IsString()
  @IsIn(planCodes, { message: `plan must be one of ${planCodes.join(', ')}` })
  plan!: PlanCode;
}

export class LimitUsageDto {
  @ApiProperty({ enum: usageLimits })
  limit!: UsageLimit;
  @ApiProperty({ description: 'In the period for period limits, now for the others' })
  used!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'null: unlimited' })
  max!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Percent of max used (one decimal); null: unlimited' })
  percent!: number | null;
  @ApiProperty({ description: 'Counted in the current period (else: what exists now)' })
  period!: boolean;
}

export const toLimitUsage = (limit: UsageLimit, used: number, max: number | null, period: boolean): LimitUsageDto => ({
  limit,
  used,
  max,
  percent: percentOf(used, max),
  period,
});

export class UsageDto {
  @ApiProperty({ enum: planCodes, description: 'The plan whose limits apply' })
  plan!: PlanCode;
  @ApiProperty({ format: 'date-time' })
  periodStart!: string;
  @ApiProperty({ format: 'date-time' })
  periodEnd!: string;
  @ApiProperty({ type: [LimitUsageDto] })
  limits!: LimitUsageDto[];
  @ApiProperty({ description: 'Webhook deliveries that succeeded this period (not limited)' })
  webhookDeliveries!: number;
  @ApiProperty({ description: 'Seconds of audio transcribed this period' })
  transcriptionSeconds!: number;
}

export class BillingSettingsDto {
  @ApiProperty({ description: "What a bot answers (its only message) while the organization is over a plan's limit" })
  unavailableMessage!: string;
}

export class UpdateBillingSettingsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    minLength: 1,
    maxLength: 1000,
    description: 'null: the default message',
  })
  @OptionalNullable()
  @IsString()
  @Length(1, 1000)
  unavailableMessage?: string | null;
}
