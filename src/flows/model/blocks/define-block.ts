import { z } from 'zod';
import { idSchema } from '../primitives';

/**
 * Options are strict objects (unknown keys are rejected) with defaults filled in on parse, so a
 * block may be written with `options` omitted when every option has a default.
 */
export const options = <S extends z.core.$ZodLooseShape>(shape: S) => {
  const schema = z.strictObject(shape);
  // An omitted `options` parses as `{}`: defaults fill in and required options are reported.
  return schema.prefault({} as z.input<typeof schema>);
};

export const defineBlock = <T extends string, O extends z.ZodType>(type: T, blockOptions: O) =>
  z.strictObject({ id: idSchema, type: z.literal(type), options: blockOptions });

/** Blocks with items (choices, condition branches, A/B paths): each item can have its own exit. */
export const defineBlockWithItems = <T extends string, O extends z.ZodType, I extends z.ZodType>(
  type: T,
  blockOptions: O,
  items: I,
) => z.strictObject({ id: idSchema, type: z.literal(type), options: blockOptions, items });
