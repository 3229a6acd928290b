import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { TYPEBOT_MESSAGE_TYPES, type TypebotMessageType } from './typebot-types';

/**
 * OpenAPI documentation of Typebot's chat API as Parley serves it. Request bodies are read by
 * `typebot-chat.request.ts` (leniently: unknown Typebot fields are ignored), so these request
 * classes only document them.
 */

const FORMAT_DESCRIPTION =
  'How text bubbles are sent: `richText` (default, a Plate/Slate tree) or `markdown` (`content: {type: "markdown", markdown}`)';

export class TypebotTextMessageDto {
  @ApiProperty({ enum: ['text'] })
  type!: 'text';

  @ApiPropertyOptional({ description: 'The reply (a choice is sent as its label)', maxLength: 10_000 })
  text?: string;

  @ApiPropertyOptional({ type: [String], description: 'Uploaded files (file inputs)', maxItems: 20 })
  attachedFileUrls?: string[];
}

const messageProperty = {
  description:
    'The reply to the awaited input: a string or a text message. Without it, continueChat asks the awaited input again.',
  oneOf: [{ type: 'string', maxLength: 10_000 }, { $ref: getSchemaPath(TypebotTextMessageDto) }],
};

export class TypebotStartChatRequestDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Variables by name, set before the flow starts',
    example: { Name: 'Ada' },
  })
  prefilledVariables?: Record<string, unknown>;

  @ApiPropertyOptional({ ...messageProperty, description: 'An answer to the first input, if the flow starts with one' })
  message?: string | TypebotTextMessageDto;

  @ApiPropertyOptional({ enum: ['richText', 'markdown'], description: FORMAT_DESCRIPTION })
  textBubbleContentFormat?: 'richText' | 'markdown';

  @ApiPropertyOptional({ description: 'Accepted and ignored: AI answers are not streamed' })
  isStreamEnabled?: boolean;

  @ApiPropertyOptional({ description: 'Accepted and ignored: every startChat starts a new result' })
  resultId?: string;

  @ApiPropertyOptional({ description: 'Not supported: `true` is answered with 400 typebot.unsupported' })
  isOnlyRegistering?: boolean;
}

export class TypebotContinueChatRequestDto {
  @ApiPropertyOptional(messageProperty)
  message?: string | TypebotTextMessageDto;

  @ApiPropertyOptional({ enum: ['richText', 'markdown'], description: FORMAT_DESCRIPTION })
  textBubbleContentFormat?: 'richText' | 'markdown';
}

export class TypebotMessageDto {
  @ApiProperty({ description: 'The block that sent it (`<blockId>:<n>` when a block spoke more than once)' })
  id!: string;

  @ApiProperty({ enum: TYPEBOT_MESSAGE_TYPES })
  type!: TypebotMessageType;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'text: `{type: "richText", richText}` or `{type: "markdown", markdown}`; image: `{url, clickLink?}`; video: ' +
      '`{type, url, id?, areControlsDisplayed, isAutoplayEnabled}`; audio: `{url, isAutoplayEnabled}`; embed: ' +
      '`{url, height?, waitForEvent?}`',
  })
  content!: Record<string, unknown>;
}

export class TypebotInputItemDto {
  @ApiProperty()
  id!: string;

  @ApiPropertyOptional({ description: 'choice input: the button label' })
  content?: string;

  @ApiPropertyOptional({ description: 'picture choice input' })
  pictureSrc?: string;

  @ApiPropertyOptional({ description: 'picture choice input' })
  title?: string;

  @ApiPropertyOptional({ description: 'picture choice input' })
  description?: string;
}

export class TypebotInputDto {
  @ApiProperty({ description: 'The input block id' })
  id!: string;

  @ApiPropertyOptional({ description: 'The edge leaving the input block itself, when it has one' })
  outgoingEdgeId?: string;

  @ApiProperty({
    enum: [
      'text input',
      'number input',
      'email input',
      'url input',
      'phone number input',
      'date input',
      'time input',
      'rating input',
      'choice input',
      'picture choice input',
      'file input',
    ],
  })
  type!: string;

  @ApiPropertyOptional({ type: [TypebotInputItemDto], description: 'choice and picture choice inputs' })
  items?: TypebotInputItemDto[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The block's options as Typebot names them, only those that differ from Typebot's defaults",
  })
  options?: Record<string, unknown>;
}

export class TypebotRedirectDto {
  @ApiProperty()
  url!: string;

  @ApiProperty()
  isNewTab!: boolean;
}

export class TypebotWaitDto {
  @ApiProperty()
  secondsToWaitFor!: number;
}

export class TypebotClientSideActionDto {
  @ApiProperty({ enum: ['redirect', 'wait'] })
  type!: 'redirect' | 'wait';

  @ApiPropertyOptional({ description: 'Run it after this bubble is shown (before the first one when absent)' })
  lastBubbleBlockId?: string;

  @ApiPropertyOptional({ type: TypebotRedirectDto })
  redirect?: TypebotRedirectDto;

  @ApiPropertyOptional({ type: TypebotWaitDto })
  wait?: TypebotWaitDto;
}

export class TypebotLogDto {
  @ApiProperty()
  status!: string;

  @ApiProperty()
  description!: string;
}

export class TypebotClientLogDto {
  @ApiProperty({
    description: '`error` for a failure (the step is logged as an error), else informative',
    maxLength: 64,
  })
  status!: string;

  @ApiProperty({ maxLength: 1_000 })
  description!: string;

  @ApiPropertyOptional({ description: 'Any JSON; kept as text, truncated to 2,000 characters' })
  details?: unknown;

  @ApiPropertyOptional({ maxLength: 1_000 })
  context?: string;
}

export class TypebotClientLogsRequestDto {
  @ApiProperty({ type: [TypebotClientLogDto], maxItems: 10 })
  clientLogs!: TypebotClientLogDto[];
}

export class TypebotClientLogsResponseDto {
  @ApiProperty({ example: 'Logs successfully saved.' })
  message!: string;
}

export class TypebotContinueChatResponseDto {
  @ApiProperty({ type: [TypebotMessageDto] })
  messages!: TypebotMessageDto[];

  @ApiPropertyOptional({ type: TypebotInputDto, description: 'What the bot waits for; absent when it is over' })
  input?: TypebotInputDto;

  @ApiPropertyOptional({ type: [TypebotClientSideActionDto] })
  clientSideActions?: TypebotClientSideActionDto[];

  @ApiPropertyOptional({ type: [TypebotLogDto] })
  logs?: TypebotLogDto[];

  @ApiPropertyOptional({
    description: "Share of the inputs answered, 0–100; only when the bot's theme shows a progress bar",
  })
  progress?: number;
}

export class TypebotInfoDto {
  @ApiProperty({ description: 'The chatbot id' })
  id!: string;

  @ApiProperty({ example: '6.1', description: 'The Typebot schema version the answers follow' })
  version!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Theme keys the widget reads' })
  theme!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: '`general` and `typingEmulation`' })
  settings!: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'date-time' })
  publishedAt?: string;
}

export class TypebotStartChatResponseDto extends TypebotContinueChatResponseDto {
  @ApiProperty({
    description: 'The session credential (a Parley session token): send it back in the continueChat path',
  })
  sessionId!: string;

  @ApiProperty({ format: 'uuid', description: 'The result (Parley session) id' })
  resultId!: string;

  @ApiProperty({ type: TypebotInfoDto })
  typebot!: TypebotInfoDto;
}
