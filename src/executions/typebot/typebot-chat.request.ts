import { z } from 'zod';
import { ValidationFailed } from '@/common/errors/domain.exception';
import { zodFieldErrors } from '@/flows';
import { prefilledVariablesProblems } from '../dto/visitor-input-limits';
import type { ReplyPayload } from '../engine/engine-types';
import { TypebotFeatureUnsupported } from './typebot-chat.exception';
import type { TextBubbleContentFormat } from './typebot-types';

/**
 * The request bodies of Typebot's chat API, read leniently: Typebot clients send fields Parley has
 * no use for (and new versions add more), so unknown fields are ignored rather than refused. The
 * fields Parley uses are validated.
 */

const MAX_TEXT = 10_000;
const MAX_FILES = 20;

const textFormat = z.enum(['richText', 'markdown']).optional();

/** `message`: a string, or `{ type: 'text', text, attachedFileUrls? }`; other types are refused. */
const messageSchema = z.union([
  z.string().max(MAX_TEXT),
  z.looseObject({
    type: z.string(),
    text: z.string().max(MAX_TEXT).optional(),
    attachedFileUrls: z.array(z.string().min(1).max(2_048)).max(MAX_FILES).optional(),
  }),
]);

const startChatSchema = z.looseObject({
  message: messageSchema.optional(),
  isStreamEnabled: z.boolean().optional(),
  isOnlyRegistering: z.boolean().optional(),
  prefilledVariables: z
    .record(z.string(), z.unknown())
    .superRefine((variables, ctx) => {
      for (const problem of prefilledVariablesProblems(variables)) {
        ctx.addIssue({
          code: 'custom',
          path: problem.name === undefined ? [] : [problem.name],
          message: problem.message,
        });
      }
    })
    .optional(),
  resultId: z.string().optional(),
  textBubbleContentFormat: textFormat,
});

const continueChatSchema = z.looseObject({
  message: messageSchema.optional(),
  textBubbleContentFormat: textFormat,
});

export interface StartChatRequest {
  /** Prefilled variables by name, as Typebot's `prefilledVariables`. */
  variables?: Record<string, unknown>;
  /** An answer to the flow's first input, when it starts with one. */
  reply?: ReplyPayload;
  textBubbleContentFormat: TextBubbleContentFormat;
}

export interface ContinueChatRequest {
  /** Undefined when the client sent no message (it asks for the current state). */
  reply?: ReplyPayload;
  textBubbleContentFormat: TextBubbleContentFormat;
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new ValidationFailed(zodFieldErrors(parsed.error));
  return parsed.data;
}

/**
 * A Typebot message as a reply to the awaited input. Typebot's widget sends a choice as the item's
 * label and files as their URLs (joined with ", " in the text, or in `attachedFileUrls`).
 */
function replyOf(message: z.infer<typeof messageSchema>): ReplyPayload {
  if (typeof message === 'string') return { text: message };
  if (message.type !== 'text') throw new TypebotFeatureUnsupported(`"${message.type}" messages`, 'message.type');
  const files = message.attachedFileUrls ?? [];
  if (message.text === undefined && files.length === 0) {
    throw new ValidationFailed([{ field: 'message.text', message: 'a text message needs text or attachedFileUrls' }]);
  }
  return {
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(files.length > 0 ? { fileUrls: files } : {}),
  };
}

export function parseStartChatRequest(body: unknown): StartChatRequest {
  const request = parse(startChatSchema, body);
  if (request.isOnlyRegistering === true) {
    throw new TypebotFeatureUnsupported('isOnlyRegistering (registering a session without starting it)');
  }
  return {
    ...(request.prefilledVariables ? { variables: request.prefilledVariables } : {}),
    ...(request.message !== undefined ? { reply: replyOf(request.message) } : {}),
    textBubbleContentFormat: request.textBubbleContentFormat ?? 'richText',
  };
}

export function parseContinueChatRequest(body: unknown): ContinueChatRequest {
  const request = parse(continueChatSchema, body);
  return {
    ...(request.message !== undefined ? { reply: replyOf(request.message) } : {}),
    textBubbleContentFormat: request.textBubbleContentFormat ?? 'richText',
  };
}
