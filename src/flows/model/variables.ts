import { z } from 'zod';
import { idSchema, variableValueSchema, type VariableValue } from './primitives';

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'list', 'object'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/**
 * A variable. Blocks refer to it by `id`; text refers to it by `name` (`{{name}}`), so names are
 * unique in a flow. `type` tells the engine how to coerce values saved into it (a reply is text;
 * a `number` variable stores it as a number) and how to print it (a list prints as JSON).
 * `saveInResults: false` keeps the value out of the session's exported results.
 */
export const variableSchema = z
  .strictObject({
    id: idSchema,
    name: z.string().trim().min(1).max(200),
    type: z.enum(VARIABLE_TYPES).default('string'),
    defaultValue: variableValueSchema.optional(),
    saveInResults: z.boolean().default(true),
  })
  .superRefine((variable, ctx) => {
    if (variable.defaultValue !== undefined && !valueFitsType(variable.defaultValue, variable.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['defaultValue'],
        message: `a ${variable.type} variable cannot default to ${JSON.stringify(variable.defaultValue)}`,
      });
    }
  });

export function valueFitsType(value: VariableValue, type: VariableType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'list':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && !Array.isArray(value);
  }
}

export type Variable = z.output<typeof variableSchema>;
