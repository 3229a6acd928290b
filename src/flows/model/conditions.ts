import { z } from 'zod';
import { idSchema, templateSchema } from './primitives';

/**
 * Comparison operators, the same set as Typebot's (docs/typebot-format.md §6), named in camelCase. The left
 * operand is always a variable; the right operand is a template (it may contain `{{vars}}`).
 *
 * - `equals` / `notEquals`: exact string equality after Unicode normalisation (case-sensitive).
 * - `contains` / `notContains`, `startsWith`, `endsWith`: case-insensitive, trimmed. A list
 *   variable "contains" a value when one of its items equals it.
 * - `greaterThan`, `lessThan`, `greaterOrEqual`, `lessOrEqual`: numbers, else dates, else the
 *   string lengths are compared.
 * - `isSet` / `isEmpty`: no right operand.
 * - `matchesRegex` / `notMatchesRegex`: the value is a pattern, optionally written `/pattern/flags`;
 *   an invalid pattern never matches.
 *
 * When either side is a list the comparison runs item by item: `contains` and `matchesRegex` are
 * true if any pair matches, the other operators need every pair to match.
 */
export const COMPARISON_OPERATORS = [
  'equals',
  'notEquals',
  'contains',
  'notContains',
  'greaterThan',
  'lessThan',
  'greaterOrEqual',
  'lessOrEqual',
  'isSet',
  'isEmpty',
  'startsWith',
  'endsWith',
  'matchesRegex',
  'notMatchesRegex',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export const REGEX_OPERATORS: readonly ComparisonOperator[] = ['matchesRegex', 'notMatchesRegex'];
export const UNARY_OPERATORS: readonly ComparisonOperator[] = ['isSet', 'isEmpty'];

export const comparisonOperatorSchema = z.enum(COMPARISON_OPERATORS);

export const comparisonSchema = z.strictObject({
  id: idSchema,
  variableId: idSchema,
  operator: comparisonOperatorSchema,
  value: templateSchema.optional(),
});

/** Comparisons combined with AND (the default) or OR. A condition without comparisons is false. */
export const conditionSchema = z.strictObject({
  logicalOperator: z.enum(['and', 'or']).default('and'),
  comparisons: z.array(comparisonSchema).default([]),
});

export type Comparison = z.output<typeof comparisonSchema>;
export type Condition = z.output<typeof conditionSchema>;
