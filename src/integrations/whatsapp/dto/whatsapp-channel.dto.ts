import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import type { WhatsAppChannelEntity } from '../entities/whatsapp-channel.entity';
import type { WhatsAppTemplateEntity } from '../entities/whatsapp-template.entity';

const GRAPH_ID = /^\d{1,64}$/;

export class CreateWhatsAppChannelDto {
  @ApiProperty({ example: '106540352242922', description: "Meta's phone number id (digits)" })
  @IsString()
  @Matches(GRAPH_ID, { message: 'phoneNumberId is digits' })
  phoneNumberId!: string;

  @ApiProperty({ example: '102290129340398', description: 'The WhatsApp Business Account id (digits)' })
  @IsString()
  @Matches(GRAPH_ID, { message: 'businessAccountId is digits' })
  businessAccountId!: string;

  @ApiProperty({ minLength: 1, maxLength: 2048, writeOnly: true, description: 'A system user access token' })
  @IsString()
  @Length(1, 2048)
  accessToken!: string;

  @ApiProperty({ minLength: 1, maxLength: 256, writeOnly: true, description: "The Meta app's secret (signatures)" })
  @IsString()
  @Length(1, 256)
  appSecret!: string;

  @ApiProperty({ minLength: 8, maxLength: 256, writeOnly: true, description: 'What you enter as verify token at Meta' })
  @IsString()
  @Length(8, 256)
  verifyToken!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The published chatbot that answers',
  })
  @OptionalNullable()
  @IsUUID()
  chatbotId?: string | null;

  @ApiPropertyOptional({ maxLength: 200, description: 'Overwritten by the verified name from Meta when it has one' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

export class UpdateWhatsAppChannelDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 2048, writeOnly: true })
  @OptionalNotNull()
  @IsString()
  @Length(1, 2048)
  accessToken?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 256, writeOnly: true })
  @OptionalNotNull()
  @IsString()
  @Length(1, 256)
  appSecret?: string;

  @ApiPropertyOptional({ minLength: 8, maxLength: 256, writeOnly: true })
  @OptionalNotNull()
  @IsString()
  @Length(8, 256)
  verifyToken?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: no bot answers' })
  @OptionalNullable()
  @IsUUID()
  chatbotId?: string | null;

  @ApiPropertyOptional({ maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  displayName?: string;
}

export class WhatsAppChannelDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  phoneNumberId!: string;

  @ApiProperty()
  businessAccountId!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  chatbotId!: string | null;

  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;

  @ApiProperty({ type: String, nullable: true })
  displayPhoneNumber!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "Meta's quality rating (GREEN, YELLOW, RED, UNKNOWN)" })
  qualityRating!: string | null;

  @ApiProperty()
  hasAccessToken!: boolean;

  @ApiProperty()
  hasAppSecret!: boolean;

  @ApiProperty()
  hasVerifyToken!: boolean;

  @ApiProperty({ description: "The callback URL to enter at Meta (this channel's webhook)" })
  webhookUrl!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  templatesSyncedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const toWhatsAppChannelDto = (c: WhatsAppChannelEntity, publicUrl: string): WhatsAppChannelDto => ({
  id: c.id,
  phoneNumberId: c.phoneNumberId,
  businessAccountId: c.businessAccountId,
  chatbotId: c.chatbotId,
  displayName: c.displayName,
  displayPhoneNumber: c.displayPhoneNumber,
  qualityRating: c.qualityRating,
  hasAccessToken: c.accessTokenSealed !== '',
  hasAppSecret: c.appSecretSealed !== '',
  hasVerifyToken: c.verifyToken !== '',
  webhookUrl: `${publicUrl}/api/v1/channels/whatsapp/${c.id}/webhook`,
  templatesSyncedAt: c.templatesSyncedAt?.toISOString() ?? null,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export const templateStatuses = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'DELETED',
] as const;

export class WhatsAppTemplatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: templateStatuses })
  @OptionalNotNull()
  @IsIn(templateStatuses)
  status?: string;

  @ApiPropertyOptional({ maxLength: 16, example: 'en_US' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(16)
  language?: string;
}

export class WhatsAppTemplateVariablesDto {
  @ApiProperty({ example: 'BODY' })
  component!: string;

  @ApiProperty({ type: [String], example: ['1', '2'] })
  names!: string[];
}

export class WhatsAppTemplateDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, description: "Meta's template id" })
  metaId!: string | null;

  @ApiProperty()
  name!: string;

  @ApiProperty()
  language!: string;

  @ApiProperty({ type: String, nullable: true, example: 'MARKETING' })
  category!: string | null;

  @ApiProperty({ example: 'APPROVED' })
  status!: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: "Meta's components",
  })
  components!: unknown[];

  @ApiProperty({ type: [WhatsAppTemplateVariablesDto] })
  variables!: WhatsAppTemplateVariablesDto[];

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const toWhatsAppTemplateDto = (t: WhatsAppTemplateEntity): WhatsAppTemplateDto => ({
  id: t.id,
  metaId: t.metaId,
  name: t.name,
  language: t.language,
  category: t.category,
  status: t.status,
  components: t.components,
  variables: t.variables,
  updatedAt: t.updatedAt.toISOString(),
});

export class TemplateSyncDto {
  @ApiProperty({ example: true, description: 'The sync is queued' })
  queued!: boolean;
}
