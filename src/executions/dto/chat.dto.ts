import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsObject,
  IsString,
  IsUrl,
  IsUUID,
  Length,
  MaxLength,
  length,
  maxLength,
} from 'class-validator';
import { LimitQueryDto } from '@/common/pagination/keyset';
import { OptionalNotNull } from '@/common/validation/field-validators';
import { registerPrecompiledCheck } from '@/common/validation/validation';
import { BUBBLE_BLOCK_TYPES, INPUT_BLOCK_TYPES, type BubbleBlockType } from '@/flows';
import { jsonBytes, MaxJsonBytes, PrefilledVariablesWithinLimits, VISITOR_INPUT_LIMITS } from './visitor-input-limits';

export class StartSessionDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `Prefilled variables by name (unknown names are ignored); at most ${VISITOR_INPUT_LIMITS.variableBytes} bytes of JSON each, ${VISITOR_INPUT_LIMITS.variablesBytes} in all`,
    example: { email: 'ada@example.com' },
  })
  @OptionalNotNull()
  @IsObject()
  @PrefilledVariablesWithinLimits()
  variables?: Record<string, unknown>;
}

export class StartPreviewDto extends StartSessionDto {
  @ApiPropertyOptional({ description: 'Run HTTP and OpenAI calls (default false: they fail as "skipped in preview")' })
  @OptionalNotNull()
  @IsBoolean()
  runEffects?: boolean;
}

export class SendMessageDto {
  @ApiProperty({
    description: 'Client-chosen id of this message; sending it again returns the first answer without advancing twice',
    example: 'msg-7f3a',
  })
  @IsString()
  @Length(1, 100)
  clientMessageId!: string;

  @ApiPropertyOptional({ description: 'The typed reply' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  text?: string;

  @ApiPropertyOptional({
    description: `A structured reply: choice item id(s), a number, a date… (at most ${VISITOR_INPUT_LIMITS.valueBytes} bytes of JSON)`,
  })
  @OptionalNotNull()
  @MaxJsonBytes(VISITOR_INPUT_LIMITS.valueBytes)
  value?: unknown;

  @ApiPropertyOptional({
    description: "Run the flow's `command` event of this name instead of answering (e.g. `human`)",
  })
  @OptionalNotNull()
  @IsString()
  @Length(1, 100)
  command?: string;

  @ApiPropertyOptional({ type: [String], description: 'URLs of uploaded files (file inputs)' })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @IsUrl({ require_protocol: true, require_tld: false }, { each: true })
  fileUrls?: string[];
}

export class ChatMessageDto {
  @ApiProperty({ format: 'uuid', description: 'The id of the message in the conversation history' })
  id!: string;

  @ApiProperty({ enum: BUBBLE_BLOCK_TYPES })
  type!: BubbleBlockType;

  @ApiProperty({ description: 'The block that sent it' })
  blockId!: string;

  @ApiPropertyOptional({ description: 'text: markdown with variables substituted' })
  markdown?: string;

  @ApiPropertyOptional({ description: 'image, video, audio, embed' })
  url?: string;

  @ApiPropertyOptional()
  alt?: string;

  @ApiPropertyOptional({ description: 'video provider (url, youtube, vimeo, …)' })
  provider?: string;
}

export class ChatActionDto {
  @ApiProperty({ enum: ['redirect', 'wait'] })
  type!: 'redirect' | 'wait';

  @ApiProperty({ description: 'Perform it after this many of the messages are shown' })
  afterMessageCount!: number;

  @ApiPropertyOptional()
  url?: string;

  @ApiPropertyOptional()
  newTab?: boolean;

  @ApiPropertyOptional()
  seconds?: number;
}

export class ChatTurnDto {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ enum: ['active', 'completed', 'handoff', 'failed'] })
  status!: string;

  @ApiProperty({ type: [ChatMessageDto] })
  messages!: ChatMessageDto[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      `What the bot waits for: \`type\` (${[...INPUT_BLOCK_TYPES, 'embedEvent'].join(', ')}), ` +
      '`blockId`, its options (choices, min/max…), ' +
      '`retryMessage`, `isRetry`. Null when the conversation is over.',
  })
  input!: Record<string, unknown> | null;

  @ApiProperty({ type: [ChatActionDto] })
  actions!: ChatActionDto[];

  @ApiProperty({ type: Number, nullable: true, description: 'Share of the inputs answered, 0–100' })
  progress!: number | null;
}

export class StartedSessionDto extends ChatTurnDto {
  @ApiProperty({ description: 'Send it as `Authorization: Bearer <token>` (or X-Session-Token) on later calls' })
  sessionToken!: string;
}

export class TranscriptEntryDto {
  @ApiProperty({ format: 'uuid', description: 'The message id in the conversation' })
  id!: string;

  @ApiProperty({ description: 'Position in the conversation (1, 2, 3…)' })
  seq!: number;

  @ApiProperty({
    enum: ['bot', 'visitor', 'agent', 'system'],
    description: 'system: activity lines ("handed back to the bot")',
  })
  role!: 'bot' | 'visitor' | 'agent' | 'system';

  @ApiPropertyOptional({ description: "Agents' name" })
  name?: string;

  @ApiPropertyOptional({ description: 'Bot messages: the block that sent it' })
  blockId?: string;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({ type: 'object', additionalProperties: true })
  content!: unknown;
}

export class SessionViewDto {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ enum: ['active', 'completed', 'handoff', 'failed'] })
  status!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  input!: Record<string, unknown> | null;

  @ApiProperty({ type: [TranscriptEntryDto] })
  transcript!: TranscriptEntryDto[];

  @ApiProperty({ type: Number, nullable: true })
  progress!: number | null;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export class LogStepDto {
  @ApiProperty()
  blockId!: string;

  @ApiProperty({ type: String, nullable: true })
  groupId!: string | null;

  @ApiProperty({ description: 'Block type, event:<type>, or client:log (what a chat client reported)' })
  kind!: string;

  @ApiProperty({ enum: ['ok', 'awaiting_input', 'awaiting_effect', 'invalid', 'skipped', 'error'] })
  outcome!: string;

  @ApiPropertyOptional()
  error?: string;

  @ApiPropertyOptional()
  durationMs?: number;

  @ApiPropertyOptional({ description: "client:log steps: the client's details (JSON, truncated)" })
  detail?: string;
}

export class HistoryQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The last message the client has: only later ones are returned' })
  @OptionalNotNull()
  @IsUUID()
  after?: string;
}

export class MessageSenderDto {
  @ApiProperty({ enum: ['bot', 'visitor', 'agent', 'system'] })
  type!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Agents: their user id' })
  id?: string;

  @ApiPropertyOptional({ description: 'Agents: their name' })
  name?: string;
}

/** A message of a conversation's history (REST, sockets and `message.created` events). */
export class MessageViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversationId!: string;

  @ApiProperty({
    description: 'Position in the conversation (1, 2, 3…): a client asks for what came after the last it has',
  })
  seq!: number;

  @ApiProperty({ type: MessageSenderDto })
  sender!: MessageSenderDto;

  @ApiProperty({
    enum: ['message', 'note', 'activity'],
    description: 'note: private to agents (never sent to visitors)',
  })
  kind!: string;

  @ApiProperty({
    description:
      'Bot: the message as the chat API sent it; visitor: the reply payload; agent: `{ text }`; activity: `{ type, … }`',
  })
  content!: unknown;

  @ApiProperty({ type: String, nullable: true, description: 'Plain text' })
  text!: string | null;

  @ApiProperty({ type: String, nullable: true })
  clientMessageId!: string | null;

  @ApiProperty({ enum: ['sent', 'delivered', 'read', 'failed'] })
  status!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

const sendMessageFields = new Set(['clientMessageId', 'text', 'value', 'command']);

/**
 * The chat turn's body without reflection (it is checked on every visitor message): the
 * `SendMessageDto` of a body that passes its decorators for certain, else `undefined` and the
 * global pipe's full check answers (same 400s). Uses class-validator's own `length`/`maxLength`
 * (which count characters as the decorators do). Bodies with `fileUrls` or a structured `value`
 * (object, array) always take the full check.
 */
export function acceptSendMessage(body: unknown): SendMessageDto | undefined {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
  const fields = body as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!sendMessageFields.has(key)) return undefined;
  const { clientMessageId, text, value, command } = fields;
  if (typeof clientMessageId !== 'string' || !length(clientMessageId, 1, 100)) return undefined;
  if (text !== undefined && (typeof text !== 'string' || !maxLength(text, 10_000))) return undefined;
  if (command !== undefined && (typeof command !== 'string' || !length(command, 1, 100))) return undefined;
  if (
    value !== undefined &&
    ((typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') ||
      jsonBytes(value) > VISITOR_INPUT_LIMITS.valueBytes)
  ) {
    return undefined;
  }
  return Object.assign(new SendMessageDto(), fields);
}

registerPrecompiledCheck(SendMessageDto, acceptSendMessage);
