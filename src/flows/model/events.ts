import { z } from 'zod';
import { comparisonOperatorSchema } from './conditions';
import { idSchema, optionalIdSchema, positionSchema, templateSchema } from './primitives';

/** Variables a reply-like event fills before its flow runs. */
const replyCaptureShape = {
  /** The reply's text. */
  contentVariableId: optionalIdSchema,
  /** The name of the input block that was waiting (its id when it has no name). */
  inputNameVariableId: optionalIdSchema,
  /** The type of that input block. */
  inputTypeVariableId: optionalIdSchema,
};

const eventBase = { id: idSchema, position: positionSchema.optional() };

export const EVENT_TYPES = ['start', 'command', 'reply', 'invalidReply', 'idle'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Entry points of the graph; each one leaves through the edge whose `from.eventId` is its id.
 * - `start`: exactly one; where every conversation begins.
 * - `command`: the client sent the named command (`/human`, a button of the widget…).
 * - `reply`: every visitor reply, when it passes `filter` (tested like a comparison whose left
 *   side is the reply). Its flow runs first; a `return` block then resumes the waiting input.
 * - `invalidReply`: a reply failed the waiting input's validation; replaces the retry message.
 * - `idle`: the visitor has not answered the waiting input for `timeoutSeconds`.
 */
export const flowEventSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...eventBase, type: z.literal('start') }),
  z.strictObject({
    ...eventBase,
    type: z.literal('command'),
    command: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[\w.-]+$/, 'letters, digits, _, . and - only'),
  }),
  z.strictObject({
    ...eventBase,
    type: z.literal('reply'),
    ...replyCaptureShape,
    filter: z.strictObject({ operator: comparisonOperatorSchema, value: templateSchema.optional() }).optional(),
  }),
  z.strictObject({ ...eventBase, type: z.literal('invalidReply'), ...replyCaptureShape }),
  z.strictObject({
    ...eventBase,
    type: z.literal('idle'),
    timeoutSeconds: z
      .number()
      .int()
      .min(10)
      .max(7 * 24 * 3600),
  }),
]);

export type FlowEvent = z.output<typeof flowEventSchema>;
export type FlowEventOf<T extends EventType> = Extract<FlowEvent, { type: T }>;
