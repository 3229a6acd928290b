import { z } from 'zod';
import { conditionSchema } from '../conditions';
import { idSchema, optionalIdSchema, templateSchema } from '../primitives';
import { defineBlock, defineBlockWithItems, options } from './define-block';

export const conditionItemSchema = z.strictObject({ id: idSchema, condition: conditionSchema });

/**
 * Items are tested in order; the first true one leaves through its own exit (and the path ends if
 * it has none). When none is true the block's exit ("else") is taken, or the next block runs.
 */
export const conditionBlockSchema = defineBlockWithItems(
  'condition',
  options({}),
  z.array(conditionItemSchema).default([]),
);

/** Values the engine knows without an expression. */
export const SYSTEM_VALUES = [
  'now',
  'today',
  'yesterday',
  'tomorrow',
  'randomId',
  'resultId',
  'userId',
  'transcript',
  'momentOfTheDay',
  'channel',
  'deviceType',
  'contactName',
  'contactPhone',
] as const;

/**
 * How the variable gets its new value:
 * - `expression`: evaluated by the engine's safe expression evaluator (never `eval`). `{{name}}`
 *   inside it binds that variable's value with its type (`{{Score}} + 1` adds). If the text does
 *   not evaluate, the value is the text after plain `{{name}}` substitution, so literal text works.
 * - `append`: the expression's value is appended to the (list) variable.
 * - `clear`: the variable becomes empty.
 * - `pop` / `shift`: removes the last / first list item, optionally saving it in another variable.
 * - `itemAtSameIndex`: finds the value of `itemVariableId` in `listVariableId` and takes the item
 *   at the same index in `targetListVariableId`.
 * - `system`: a value the engine knows (`now` is ISO 8601, in `timeZone` when set).
 */
export const setVariableOperationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('expression'), expression: templateSchema }),
  z.strictObject({ kind: z.literal('append'), expression: templateSchema }),
  z.strictObject({ kind: z.literal('clear') }),
  z.strictObject({ kind: z.enum(['pop', 'shift']), saveItemInVariableId: optionalIdSchema }),
  z.strictObject({
    kind: z.literal('itemAtSameIndex'),
    itemVariableId: idSchema,
    listVariableId: idSchema,
    targetListVariableId: idSchema,
  }),
  z.strictObject({
    kind: z.literal('system'),
    value: z.enum(SYSTEM_VALUES),
    timeZone: z.string().max(100).optional(),
  }),
]);

export const setVariableBlockSchema = defineBlock(
  'setVariable',
  options({
    variableId: optionalIdSchema,
    operation: setVariableOperationSchema.prefault({ kind: 'expression', expression: '' }),
  }),
);

/** Goes to a group (or a block inside it) and remembers the block after the jump for `return`. */
export const jumpBlockSchema = defineBlock('jump', options({ groupId: optionalIdSchema, blockId: optionalIdSchema }));

/** Resumes after the last jump; with no jump to return to, the current path ends. */
export const returnBlockSchema = defineBlock('return', options({}));

export const MAX_WAIT_SECONDS = 30 * 24 * 3600;

/** Pauses the run for `seconds` (carried out as a delayed effect), then continues. */
export const waitBlockSchema = defineBlock(
  'wait',
  options({ seconds: z.number().min(0).max(MAX_WAIT_SECONDS).default(1) }),
);

/** Asks the client to open `url`, then continues. */
export const redirectBlockSchema = defineBlock(
  'redirect',
  options({ url: templateSchema.default(''), newTab: z.boolean().default(false) }),
);

export const abSplitItemSchema = z.strictObject({ id: idSchema, path: z.enum(['a', 'b']) });

/** Takes path `a` with probability `aPercent`%, else path `b`. */
export const abSplitBlockSchema = defineBlockWithItems(
  'abSplit',
  options({ aPercent: z.number().min(0).max(100).default(50) }),
  z
    .array(abSplitItemSchema)
    .length(2)
    .refine((items) => new Set(items.map((i) => i.path)).size === 2, 'expected one item for path a and one for b'),
);

/**
 * Runs another chatbot (at `groupId`, else at its start event); when it ends, this flow continues
 * after the link block. With `mergeVariables`, variables are copied back by name.
 */
export const linkBotBlockSchema = defineBlock(
  'linkBot',
  options({
    chatbotPublicId: z.string().max(200).default(''),
    groupId: optionalIdSchema,
    mergeVariables: z.boolean().default(false),
  }),
);

export type SystemValue = (typeof SYSTEM_VALUES)[number];
export type SetVariableOperation = z.output<typeof setVariableOperationSchema>;
export type SetVariableOperationInput = z.input<typeof setVariableOperationSchema>;
