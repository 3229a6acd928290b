import { z } from 'zod';

/**
 * Ids are opaque strings, unique within one flow document. Parley creates UUIDv7 ids; imported
 * flows keep the source's ids (Typebot uses cuid-like and short-uuid strings), so never parse them.
 */
export const idSchema = z.string().min(1).max(128);

/** An id the author still has to choose (a variable, a target group): may be absent in a draft. */
export const optionalIdSchema = idSchema.optional();

/** Editor coordinates of a group or event on the canvas. No runtime meaning. */
export const positionSchema = z.strictObject({ x: z.number(), y: z.number() });

/**
 * Text in which `{{Variable name}}` is replaced by the variable's current value at run time.
 * Empty strings are allowed so that drafts can be saved; `validateFlow` reports what a
 * published flow still lacks.
 */
export const templateSchema = z.string().max(100_000);

/** A key/value pair whose value is a template (HTTP headers, query parameters). */
export const keyValueSchema = z.strictObject({ key: z.string().max(1_000), value: templateSchema });

/** Values a variable can hold by default. Lists hold scalars; objects are free-form JSON. */
export const scalarSchema = z.union([z.string(), z.number(), z.boolean()]);
export const variableValueSchema = z.union([scalarSchema, z.array(scalarSchema), z.record(z.string(), z.unknown())]);

export type Position = z.output<typeof positionSchema>;
export type KeyValue = z.output<typeof keyValueSchema>;
export type VariableValue = z.output<typeof variableValueSchema>;
