import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LimitQueryDto } from '@/common/pagination/keyset';
import { IsStorableDate, OptionalNotNull, OptionalNullable } from '@/common/validation/field-validators';
import {
  conversationChannels,
  conversationPriorities,
  conversationStatuses,
  type ConversationChannel,
  type ConversationPriority,
  type ConversationStatus,
} from '../entities/conversation.entity';
import { deliveryStatuses, messageKinds, senderTypes } from '../entities/conversation-message.entity';
import type { MessageView } from '../message-view';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `status=open&status=snoozed` or `status=open,snoozed`. */
const toList = ({ value }: { value: unknown }): unknown => {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.flatMap((v) => (typeof v === 'string' ? v.split(',').filter((s) => s !== '') : [v]));
};

export const MAX_LABELS = 20;
/** Members one note may mention. */
export const MAX_MENTIONS = 20;
export const MAX_LABEL_LENGTH = 50;
/** Labels are lowercase words: letters, digits, `-`, `_`, `:` and `.`. */
const LABEL_PATTERN = /^[\p{L}\p{N}][\p{L}\p{N}_.:-]*$/u;

export class ConversationsQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page (opaque)', maxLength: 200 })
  @OptionalNotNull()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({
    type: [String],
    enum: conversationStatuses,
    description: 'One or several statuses (`status=open&status=snoozed` or `status=open,snoozed`)',
  })
  @OptionalNotNull()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(conversationStatuses.length)
  @IsIn(conversationStatuses, { each: true })
  status?: ConversationStatus[];

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  departmentId?: string;

  @ApiPropertyOptional({ description: 'Only conversations nobody is assigned to' })
  @OptionalNotNull()
  @Transform(toBoolean)
  @IsBoolean()
  unassigned?: boolean;

  @ApiPropertyOptional({ description: 'Only conversations assigned to the caller' })
  @OptionalNotNull()
  @Transform(toBoolean)
  @IsBoolean()
  mine?: boolean;

  @ApiPropertyOptional({ maxLength: MAX_LABEL_LENGTH, description: 'Conversations with this label' })
  @OptionalNotNull()
  @IsString()
  @Length(1, MAX_LABEL_LENGTH)
  label?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @OptionalNotNull()
  @IsUUID()
  chatbotId?: string;

  @ApiPropertyOptional({ enum: conversationChannels })
  @OptionalNotNull()
  @IsIn(conversationChannels)
  channel?: ConversationChannel;
}

export class MessagesQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only messages after this one (by seq)' })
  @OptionalNotNull()
  @IsUUID()
  after?: string;
}

export class ReadDto {
  @ApiProperty({ format: 'uuid', description: 'The last message the caller has read' })
  @IsUUID()
  messageId!: string;
}

export class SendAgentMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 100, description: 'Your id for the message: a resend is not stored twice' })
  @IsString()
  @Length(1, 100)
  clientMessageId!: string;

  @ApiProperty({
    minLength: 1,
    maxLength: 10_000,
    description: 'The text; `/shortCode` at the very start is replaced by that canned response',
  })
  @IsString()
  @Length(1, 10_000)
  text!: string;

  @ApiPropertyOptional({ description: 'A private note: agents only, never sent to the visitor' })
  @OptionalNotNull()
  @IsBoolean()
  private?: boolean;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_MENTIONS,
    description: 'Members of the organization a note mentions (notes only): each is notified (`note.mention`)',
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_MENTIONS)
  @IsUUID('all', { each: true })
  mentions?: string[];
}

export class AssignDto {
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null unassigns' })
  @ValidateIf((o: { assigneeId?: unknown }) => o.assigneeId !== null)
  @IsUUID()
  assigneeId!: string | null;
}

/** `pending` (a bot owns it) is reached by hand-back only. */
export const settableStatuses = ['open', 'resolved', 'snoozed'] as const;

export class SetStatusDto {
  @ApiProperty({
    enum: settableStatuses,
    description: '`snoozed` needs `snoozedUntil`; `pending` (back to the bot) is `POST …/handback`',
  })
  @IsIn(settableStatuses)
  status!: (typeof settableStatuses)[number];

  @ApiPropertyOptional({ format: 'date-time', description: 'For `snoozed`: when it reopens (in the future)' })
  @OptionalNotNull()
  @Type(() => Date)
  @IsDate()
  @IsStorableDate()
  snoozedUntil?: Date;
}

export class SnoozeDto {
  @ApiProperty({ format: 'date-time', description: 'When the conversation reopens (in the future)' })
  @Type(() => Date)
  @IsDate()
  @IsStorableDate()
  until!: Date;
}

export class UpdateConversationDto {
  @ApiPropertyOptional({ enum: conversationPriorities })
  @OptionalNotNull()
  @IsIn(conversationPriorities)
  priority?: ConversationPriority;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_LABELS,
    description: `Replaces the labels: lowercased, deduplicated, each 1–${MAX_LABEL_LENGTH} characters`,
  })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_LABELS)
  @IsString({ each: true })
  @Length(1, MAX_LABEL_LENGTH, { each: true })
  @Matches(LABEL_PATTERN, { each: true, message: 'each label is letters, digits, -, _, :, .' })
  labels?: string[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'null: no department' })
  @OptionalNullable()
  @IsUUID()
  departmentId?: string | null;
}

export class HandbackDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 100,
    description: 'The group to resume at (default: after the handoff block)',
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  groupId?: string;
}

export class CapacityDto {
  @ApiProperty({ minimum: 0, maximum: 1000 })
  @IsInt()
  @Min(0)
  @Max(1000)
  capacity!: number;
}

// ---------------------------------------------------------------- responses

export class MessageSenderDto {
  @ApiProperty({ enum: senderTypes })
  type!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  id?: string;

  @ApiPropertyOptional()
  name?: string;
}

export class MessageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty()
  seq!: number;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({ enum: messageKinds })
  kind!: string;

  @ApiProperty({
    description: 'Bot: the engine message; visitor: the reply; agent: `{ text }`; activity: `{ type, text }`',
  })
  content!: unknown;

  @ApiProperty({ type: String, nullable: true })
  text!: string | null;

  @ApiProperty({ type: String, nullable: true })
  clientMessageId!: string | null;

  @ApiProperty({ enum: deliveryStatuses })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export const toMessageDto = (m: MessageView): MessageDto => ({ ...m, sender: { ...m.sender } });

export class MessageListDto {
  @ApiProperty({ type: [MessageDto] })
  items!: MessageDto[];
}

export class ContactSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  name!: string | null;

  @ApiProperty({ type: String, nullable: true })
  email!: string | null;

  @ApiProperty({ type: String, nullable: true })
  phone!: string | null;
}

export class NamedRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  name!: string;
}

export class LastMessageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true })
  text!: string | null;

  @ApiProperty({ enum: senderTypes })
  senderType!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ConversationDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: conversationChannels })
  channel!: string;

  @ApiProperty({ enum: conversationStatuses })
  status!: string;

  @ApiProperty({ enum: conversationPriorities })
  priority!: string;

  @ApiProperty({ type: [String] })
  labels!: string[];

  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  chatbotId!: string | null;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The bot session it came from' })
  sessionId!: string | null;

  @ApiProperty({ type: ContactSummaryDto, nullable: true })
  contact!: ContactSummaryDto | null;

  @ApiProperty({ type: NamedRefDto, nullable: true })
  assignee!: NamedRefDto | null;

  @ApiProperty({ type: NamedRefDto, nullable: true })
  department!: NamedRefDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  snoozedUntil!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  firstReplyAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  waitingSince!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  resolvedAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  lastMessageAt!: string;

  @ApiProperty({ type: LastMessageDto, nullable: true, description: 'The last message (kind `message`)' })
  lastMessage!: LastMessageDto | null;

  @ApiProperty({ description: 'The `seq` of the last message' })
  lastSeq!: number;

  @ApiProperty({
    description:
      "Messages after the caller's read marker, not counting activity lines and the caller's own messages (0 for API keys)",
  })
  unreadCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class ConversationPageDto {
  @ApiProperty({ type: [ConversationDto] })
  items!: ConversationDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page (opaque)' })
  nextCursor!: string | null;
}

export class UnreadByStatusDto {
  @ApiProperty()
  pending!: number;

  @ApiProperty()
  open!: number;

  @ApiProperty()
  resolved!: number;

  @ApiProperty()
  snoozed!: number;
}

export class UnreadCountsDto {
  @ApiProperty({ description: 'Unread messages in conversations assigned to the caller' })
  total!: number;

  @ApiProperty({ description: 'Conversations assigned to the caller with unread messages' })
  conversations!: number;

  @ApiProperty({ type: UnreadByStatusDto, description: 'Unread messages by conversation status' })
  byStatus!: UnreadByStatusDto;
}

export class ReadMarkerDto {
  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({ description: 'The seq the caller has read up to' })
  lastReadSeq!: number;

  @ApiProperty({ format: 'uuid' })
  messageId!: string;
}

export class SentMessageDto {
  @ApiProperty({ type: MessageDto })
  message!: MessageDto;

  @ApiProperty({ description: 'True when this clientMessageId was already stored (nothing new was written)' })
  duplicate!: boolean;
}
