import { z } from 'zod';
import { blockSchema } from './block';
import { flowEventSchema } from './events';
import { idSchema, optionalIdSchema, positionSchema } from './primitives';
import { variableSchema } from './variables';

/**
 * The Parley flow document: the graph a chatbot version runs. It follows Typebot's v6 shape
 * (groups of blocks joined by edges, events as entry points, variables referred to by id) and
 * adds handoff and end blocks, idle events, regex validation and retried HTTP calls.
 *
 * Runtime semantics the engine must follow (modelled on Typebot's, see
 * docs/typebot-format.md §3–§6):
 *
 * 1. Entry. A conversation begins at the one `start` event and follows the edge leaving it
 *    (`edges[].from.eventId`). `command`, `reply`, `invalidReply` and `idle` events start side
 *    flows when their trigger happens (see `flowEventSchema`).
 * 2. Entering a group. An edge to `{ groupId }` starts at the group's first block; an edge to
 *    `{ groupId, blockId }` starts at that block. Blocks run in array order.
 * 3. Exits. A block's exit is the edge `from: { blockId }`; an item's exit is the edge
 *    `from: { blockId, itemId }`. There is at most one edge per exit. Edges are the only links:
 *    blocks do not store edge ids.
 * 4. Running a block.
 *    - Bubbles send a message and the engine goes on (an `embed` with `waitForEvent` pauses).
 *    - Inputs send their prompt and wait. A valid reply is saved in `variableId` (coerced to the
 *      variable's type) and the run continues from the reply's exit: the chosen item's exit for a
 *      single-select choice, else the block's exit. An invalid reply runs the `invalidReply`
 *      event if there is one, else sends `retryMessage` and asks again.
 *    - Logic and integration blocks run. HTTP, OpenAI, email, wait, handoff and redirect come
 *      back from the engine as effects; the engine resumes with the effect's result.
 *    - When a block finishes and its exit (or the chosen item's exit) exists, the engine follows
 *      it at once: any later blocks of the group are skipped. Otherwise it goes on to the next
 *      block of the group.
 *    - `condition`: the first true item wins; if that item has no exit the path ends. No true item
 *      means the block's exit ("else"), or the next block. `abSplit` picks item `a` or `b`.
 *    - `jump` goes to its target and remembers where it was; a later `return` resumes at the block
 *      after the jump (or at the jump's exit when it is the last block of its group), and ends the
 *      path when nothing was remembered. `linkBot` runs another bot, then resumes after the link.
 *      `end` finishes the conversation; `handoff` hands it to a human and the bot stops. Exits of
 *      `return`, `end` and `handoff`, and blocks after them in their group, are never reached.
 *    - `unsupported` blocks cannot run: a flow containing one is not publishable.
 * 5. After the last block of a group without an exit, the current path ends. The engine resumes
 *    a pending `return` mark or a parent bot (after `linkBot`) if there is one; otherwise the
 *    conversation is finished.
 * 6. Variables. `{{name}}` in any template is replaced by the value of the variable with that name
 *    (empty when unknown or unset; lists and objects print as JSON). Blocks refer to variables by
 *    id. Expressions are evaluated by a safe evaluator, never by `eval` (see `setVariable`).
 */
export const groupSchema = z.strictObject({
  id: idSchema,
  title: z.string().max(200).default(''),
  position: positionSchema.optional(),
  blocks: z.array(blockSchema).default([]),
});

export const edgeSourceSchema = z.union([
  z.strictObject({ blockId: idSchema, itemId: optionalIdSchema }),
  z.strictObject({ eventId: idSchema }),
]);

export const edgeTargetSchema = z.strictObject({ groupId: idSchema, blockId: optionalIdSchema });

export const edgeSchema = z.strictObject({ id: idSchema, from: edgeSourceSchema, to: edgeTargetSchema });

export const FLOW_SCHEMA_VERSION = 1;

export const flowDocumentSchema = z.strictObject({
  schemaVersion: z.literal(FLOW_SCHEMA_VERSION),
  groups: z.array(groupSchema).default([]),
  edges: z.array(edgeSchema).default([]),
  variables: z.array(variableSchema).default([]),
  events: z.array(flowEventSchema).default([]),
});

export type Group = z.output<typeof groupSchema>;
export type Edge = z.output<typeof edgeSchema>;
export type EdgeSource = z.output<typeof edgeSourceSchema>;
export type EdgeTarget = z.output<typeof edgeTargetSchema>;
export type FlowDocument = z.output<typeof flowDocumentSchema>;
/** What a client may send: options with defaults may be left out. */
export type FlowDocumentInput = z.input<typeof flowDocumentSchema>;

export function isEventSource(from: EdgeSource): from is { eventId: string } {
  return 'eventId' in from;
}
