import { ApiProperty } from '@nestjs/swagger';
import type { FlowDocument } from '@/flows';
import type { ChatbotVersionEntity } from '../entities/chatbot-version.entity';
import { ChatbotSettingsResponseDto, FLOW_DOCUMENT_REF } from './chatbot.dto';

export class ChatbotVersionDto {
  @ApiProperty()
  version!: number;

  @ApiProperty({ type: Number, nullable: true })
  draftRevision!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'The version this one re-published (rollback)' })
  rolledBackFrom!: number | null;

  @ApiProperty({ type: String, nullable: true })
  note!: string | null;

  @ApiProperty({ type: String, nullable: true, format: 'uuid' })
  publishedByUserId!: string | null;

  @ApiProperty({ description: 'Whether new sessions run this version' })
  live!: boolean;

  @ApiProperty({ format: 'date-time' })
  publishedAt!: string;
}

export class ChatbotVersionDetailDto extends ChatbotVersionDto {
  @ApiProperty({ allOf: [{ $ref: FLOW_DOCUMENT_REF }] })
  flow!: FlowDocument;

  @ApiProperty({ type: ChatbotSettingsResponseDto })
  settings!: ChatbotSettingsResponseDto;
}

export const toVersionDto = (v: ChatbotVersionEntity, liveVersion: number | null): ChatbotVersionDto => ({
  version: v.version,
  draftRevision: v.draftRevision,
  rolledBackFrom: v.rolledBackFrom,
  note: v.note,
  publishedByUserId: v.publishedByUserId,
  live: v.version === liveVersion,
  publishedAt: v.createdAt.toISOString(),
});

export const toVersionDetailDto = (v: ChatbotVersionEntity, liveVersion: number | null): ChatbotVersionDetailDto => ({
  ...toVersionDto(v, liveVersion),
  flow: v.flow,
  settings: { ...v.settings, allowedOrigins: [...v.settings.allowedOrigins] },
});
