import type { ComparisonOperator, Condition } from '../model/conditions';
import { compact, record, records, string, type RawRecord } from './source-readers';

/** Typebot's operator strings (docs/typebot-format.md §6) and Parley's names for them. */
const OPERATORS: Record<string, ComparisonOperator> = {
  'Equal to': 'equals',
  'Not equal': 'notEquals',
  Contains: 'contains',
  'Does not contain': 'notContains',
  'Greater than': 'greaterThan',
  'Less than': 'lessThan',
  'Greater or equal to': 'greaterOrEqual',
  'Less or equal to': 'lessOrEqual',
  'Is set': 'isSet',
  'Is empty': 'isEmpty',
  'Starts with': 'startsWith',
  'Ends with': 'endsWith',
  'Matches regex': 'matchesRegex',
  'Does not match regex': 'notMatchesRegex',
};

/**
 * Maps a Typebot condition. A comparison without a variable or a known operator is false in
 * Typebot: under OR it is dropped; under AND it makes the whole condition false, which Parley
 * writes as a condition with no comparisons. Either way the author is warned.
 */
export function mapCondition(raw: RawRecord, warn: (message: string) => void): Condition {
  const logicalOperator = string(raw, 'logicalOperator') === 'OR' ? 'or' : 'and';
  const comparisons = records(raw, 'comparisons');
  const mapped = comparisons.flatMap((c) => {
    const variableId = string(c, 'variableId');
    const operator = OPERATORS[string(c, 'comparisonOperator') ?? ''];
    if (variableId === undefined || operator === undefined) return [];
    return [
      compact({ id: string(c, 'id') ?? `${variableId}-${operator}`, variableId, operator, value: string(c, 'value') }),
    ];
  });
  const incomplete = comparisons.length - mapped.length;
  if (incomplete === 0) return { logicalOperator, comparisons: mapped };
  if (logicalOperator === 'or') {
    warn(`${incomplete} comparison(s) without a variable or operator were dropped (they are always false)`);
    return { logicalOperator, comparisons: mapped };
  }
  warn('a comparison without a variable or operator makes this AND condition always false; it now has no comparisons');
  return { logicalOperator, comparisons: [] };
}

/** An item's `displayCondition`, when enabled. */
export function mapDisplayCondition(item: RawRecord, warn: (message: string) => void): Condition | undefined {
  const display = record(item, 'displayCondition');
  return display.isEnabled === true ? mapCondition(record(display, 'condition'), warn) : undefined;
}
