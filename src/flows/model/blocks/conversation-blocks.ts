import { z } from 'zod';
import { idSchema, optionalIdSchema, templateSchema } from '../primitives';
import { defineBlock, defineBlockWithItems, options } from './define-block';

/**
 * Hands the conversation to a human agent (of `departmentId`, else the default queue) after
 * sending `message`; the bot stops.
 */
export const handoffBlockSchema = defineBlock(
  'handoff',
  options({ departmentId: optionalIdSchema, message: templateSchema.optional() }),
);

/** Ends the conversation. */
export const endBlockSchema = defineBlock('end', options({}));

/**
 * A block imported from another tool that Parley cannot run. `raw` keeps the source block's
 * fields (without id, type and exits) so nothing is lost; `items` keeps the ids of its items so
 * edges that leave them still connect. `validateFlow` reports it as an error: a flow with one
 * cannot be published until the block is replaced.
 */
export const unsupportedBlockSchema = defineBlockWithItems(
  'unsupported',
  z.strictObject({
    originalType: z.string().min(1).max(200),
    reason: z.string().max(1_000),
    raw: z.record(z.string(), z.unknown()).default({}),
  }),
  z.array(z.strictObject({ id: idSchema })).default([]),
);
