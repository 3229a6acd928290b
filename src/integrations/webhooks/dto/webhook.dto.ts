import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import {
  type WebhookDeliveryEntity,
  type WebhookDeliveryStatus,
  webhookDeliveryStatuses,
  type WebhookSubscriptionEntity,
} from '../entities/webhook.entity';
import { PING_EVENT_TYPE, webhookEventTypes } from '../webhook-events';

const subscribable = ['*', ...webhookEventTypes];
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };
const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

export class CreateWebhookDto {
  @ApiProperty({ format: 'uri', maxLength: 2000, example: 'https://example.com/parley/webhooks' })
  @IsString()
  @MaxLength(2000)
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  url!: string;

  @ApiProperty({
    type: [String],
    enum: subscribable,
    minItems: 1,
    maxItems: 50,
    example: ['conversation.created'],
    description: 'Event types, or `["*"]` for every one (see `GET /api/v1/webhooks/event-types`)',
  })
  @IsString({ each: true })
  @IsIn(subscribable, { each: true, message: 'eventTypes must be event types of the catalogue, or "*"' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  eventTypes!: string[];

  @ApiPropertyOptional({ maxLength: 500, type: String, nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ default: true })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class UpdateWebhookDto {
  @ApiPropertyOptional({ format: 'uri', maxLength: 2000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  @IsUrl(URL_OPTIONS, { message: 'url must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ type: [String], enum: subscribable, minItems: 1, maxItems: 50 })
  @OptionalNotNull()
  @IsString({ each: true })
  @IsIn(subscribable, { each: true, message: 'eventTypes must be event types of the catalogue, or "*"' })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  eventTypes?: string[];

  @ApiPropertyOptional({ maxLength: 500, type: String, nullable: true })
  @OptionalNullable()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({ description: 'Reactivating clears the failure count and the disabled reason' })
  @OptionalNotNull()
  @IsBoolean()
  active?: boolean;
}

export class RotateWebhookSecretDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: MAX_OVERLAP_SECONDS,
    default: 86_400,
    description: 'How long the previous secret keeps signing too (0: stop at once)',
  })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_OVERLAP_SECONDS)
  overlapSeconds?: number;
}

export class WebhookDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: webhookDeliveryStatuses })
  @OptionalNotNull()
  @IsIn(webhookDeliveryStatuses)
  status?: WebhookDeliveryStatus;

  @ApiPropertyOptional({ enum: [...webhookEventTypes, PING_EVENT_TYPE] })
  @OptionalNotNull()
  @IsIn([...webhookEventTypes, PING_EVENT_TYPE])
  eventType?: string;
}

export class WebhookDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uri' })
  url!: string;

  @ApiProperty({ type: [String] })
  eventTypes!: string[];

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ description: 'Dead letters in a row (reset by a success)' })
  consecutiveFailures!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabledAt!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it was disabled automatically' })
  disabledReason!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until when the previous secret signs too (rotation overlap)',
  })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdById!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WebhookWithSecretDto extends WebhookDto {
  @ApiProperty({
    example: 'whsec_3q2-7w…',
    description: 'The signing secret, shown only in this answer: store it now',
  })
  secret!: string;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also sent as `Parley-Delivery-Id` (receivers dedupe by it)' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  subscriptionId!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;

  @ApiProperty()
  eventType!: string;

  @ApiProperty({ enum: webhookDeliveryStatuses })
  status!: WebhookDeliveryStatus;

  @ApiProperty({ description: 'Attempts made so far' })
  attempts!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status of the last answer' })
  responseStatus!: number | null;

  @ApiProperty({ type: Number, nullable: true })
  durationMs!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The first 2 KB of the last answer' })
  responseExcerpt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  error!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  deliveredAt!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The delivery this one replays' })
  replayOf!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WebhookDeliveryDetailDto extends WebhookDeliveryDto {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The body sent' })
  payload!: Record<string, unknown>;
}

export class WebhookEventTypeDto {
  @ApiProperty({ example: 'conversation.created' })
  type!: string;

  @ApiProperty({
    example: '#/components/schemas/ConversationCreatedWebhookPayload',
    description: 'The OpenAPI component describing its body',
  })
  payloadSchema!: string;
}

export class WebhookEventTypesDto {
  @ApiProperty({ type: [WebhookEventTypeDto] })
  items!: WebhookEventTypeDto[];
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export const toWebhookDto = (s: WebhookSubscriptionEntity): WebhookDto => ({
  id: s.id,
  url: s.url,
  eventTypes: s.eventTypes,
  description: s.description,
  active: s.active,
  consecutiveFailures: s.consecutiveFailures,
  disabledAt: iso(s.disabledAt),
  disabledReason: s.disabledReason,
  previousSecretExpiresAt:
    s.previousSecretSealed && s.previousSecretExpiresAt && s.previousSecretExpiresAt > new Date()
      ? s.previousSecretExpiresAt.toISOString()
      : null,
  createdById: s.createdById,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

export const toWebhookDeliveryDto = (d: WebhookDeliveryEntity): WebhookDeliveryDto => ({
  id: d.id,
  subscriptionId: d.subscriptionId,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  responseStatus: d.responseStatus,
  durationMs: d.durationMs,
  responseExcerpt: d.responseExcerpt,
  error: d.error,
  nextAttemptAt: iso(d.nextAttemptAt),
  deliveredAt: iso(d.deliveredAt),
  replayOf: d.replayOf,
  createdAt: d.createdAt.toISOString(),
  updatedAt: d.updatedAt.toISOString(),
});

export const toWebhookDeliveryDetailDto = (d: WebhookDeliveryEntity): WebhookDeliveryDetailDto => ({
  ...toWebhookDeliveryDto(d),
  payload: d.payload,
});
