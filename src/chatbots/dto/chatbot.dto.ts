import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { registerOpenApiSchema } from '@/common/openapi/schema-registry';
import { PageQueryDto } from '@/common/pagination/keyset';
import { flowDocumentJsonSchema } from '@/flows';
import { IsInt4, OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import type { ChatbotSettings } from '../chatbot-settings';
import { type ChatbotEntity, type ChatbotStatus, chatbotStatuses } from '../entities/chatbot.entity';
import { ChatbotSettingsDto, TypingEmulationDto } from './settings.dto';

/** The flow document as the API accepts it (defaults optional) and returns it (complete). */
export const FLOW_DOCUMENT_INPUT_REF = registerOpenApiSchema('FlowDocumentInput', () =>
  flowDocumentJsonSchema('input'),
);
export const FLOW_DOCUMENT_REF = registerOpenApiSchema('FlowDocument', () => flowDocumentJsonSchema('output'));

export class ChatbotSettingsResponseDto {
  @ApiProperty({ type: TypingEmulationDto })
  typingEmulation!: ChatbotSettings['typingEmulation'];

  @ApiProperty()
  sessionExpirySeconds!: number;

  @ApiProperty()
  rememberUser!: boolean;

  @ApiProperty({ type: [String] })
  allowedOrigins!: string[];

  @ApiProperty()
  defaultLanguage!: string;
}

export class CreateChatbotDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Support bot' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({ type: ChatbotSettingsDto })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => ChatbotSettingsDto)
  settings?: ChatbotSettingsDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Opaque theme for the widget' })
  @OptionalNotNull()
  @IsObject()
  theme?: Record<string, unknown>;

  @ApiPropertyOptional({
    description: 'Start from a template: a built-in id (`lead-capture`, …) or an organization template id',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 64)
  templateId?: string;

  @ApiPropertyOptional({
    allOf: [{ $ref: FLOW_DOCUMENT_INPUT_REF }],
    description: 'Initial draft (else an empty flow)',
  })
  @OptionalNotNull()
  @IsObject()
  flow?: Record<string, unknown>;
}

export class UpdateChatbotDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ type: String, maxLength: 2000, nullable: true, description: 'null clears it' })
  @OptionalNullable()
  @IsString()
  @MaxLength(2000)
  description?: string | null;

  @ApiPropertyOptional({ type: ChatbotSettingsDto, description: 'Partial: only the given settings change' })
  @OptionalNotNull()
  @ValidateNested()
  @Type(() => ChatbotSettingsDto)
  settings?: ChatbotSettingsDto;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @OptionalNotNull()
  @IsObject()
  theme?: Record<string, unknown>;
}

export class ListChatbotsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: chatbotStatuses })
  @OptionalNotNull()
  @IsIn(chatbotStatuses)
  status?: ChatbotStatus;
}

export class ChatbotDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Public id for embedding and the chat API', example: 'bot_x8Kd02mQaZ4' })
  publicId!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ type: String, nullable: true })
  description!: string | null;

  @ApiProperty({ enum: chatbotStatuses })
  status!: ChatbotStatus;

  @ApiProperty({ type: ChatbotSettingsResponseDto })
  settings!: ChatbotSettingsResponseDto;

  @ApiProperty({ type: 'object', additionalProperties: true })
  theme!: Record<string, unknown>;

  @ApiProperty({ description: 'Revision of the draft flow (send it back when saving)' })
  draftRevision!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Version new sessions run' })
  publishedVersion!: number | null;

  @ApiProperty({ description: 'Highest version number so far (0: never published)' })
  latestVersion!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export const toChatbotDto = (c: ChatbotEntity): ChatbotDto => ({
  id: c.id,
  publicId: c.publicId,
  name: c.name,
  description: c.description,
  status: c.status,
  settings: { ...c.settings, allowedOrigins: [...c.settings.allowedOrigins] },
  theme: c.theme,
  draftRevision: c.draftRevision,
  publishedVersion: c.publishedVersion,
  latestVersion: c.latestVersion,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
});

export class CloneChatbotDto {
  @ApiPropertyOptional({ description: 'Default: "<name> (copy)"' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class RevisionQueryDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Type(() => Number)
  @IsInt4({ min: 1 })
  revision?: number;
}
