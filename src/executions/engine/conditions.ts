import { UNARY_OPERATORS, type Comparison, type ComparisonOperator, type Condition } from '@/flows';
import { compileRegexLiteral, testSafeRegex } from './safe-regex';
import { resolveTemplateValue } from './templating';
import type { VariableScope } from './values/variable-store';
import { isEmptyValue, parseNumberText, printValue } from './values/variable-values';

/**
 * Conditions, with the semantics documented in `@/flows` `conditions.ts` (Typebot's, docs/typebot-format.md
 * §6). The left operand is a variable; the right one a template, whose raw value is used when it
 * is a single `{{variable}}`; the texts "undefined" and "null" mean no value.
 */
export interface ConditionEnv {
  scope: VariableScope;
  maxRegexInputLength: number;
}

const normalize = (v: unknown): string => printValue(v).normalize('NFC');
const folded = (v: unknown): string => normalize(v).trim().toLowerCase();

function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  return typeof v === 'string' ? parseNumberText(v) : undefined;
}

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;

function toDate(v: unknown): number | undefined {
  if (typeof v !== 'string' || !DATE_LIKE.test(v.trim())) return undefined;
  const time = Date.parse(v.trim());
  return Number.isNaN(time) ? undefined : time;
}

/** Numbers, else dates, else lengths of the texts. */
function order(a: unknown, b: unknown): number {
  const [na, nb] = [toNumber(a), toNumber(b)];
  if (na !== undefined && nb !== undefined) return na - nb;
  const [da, db] = [toDate(a), toDate(b)];
  if (da !== undefined && db !== undefined) return da - db;
  return printValue(a).length - printValue(b).length;
}

type PairTest = (left: unknown, right: unknown) => boolean;

function matches(left: unknown, right: unknown, env: ConditionEnv): boolean {
  const test = testSafeRegex(compileRegexLiteral(printValue(right)), printValue(left), env.maxRegexInputLength);
  return test.ok && test.matches;
}

function pairTest(operator: ComparisonOperator, leftIsList: boolean, env: ConditionEnv): PairTest {
  switch (operator) {
    case 'equals':
    case 'notEquals':
      return (l, r) => normalize(l) === normalize(r);
    case 'contains':
    case 'notContains':
      // An item of a list variable "contains" a value when it equals it.
      return leftIsList ? (l, r) => folded(l) === folded(r) : (l, r) => folded(l).includes(folded(r));
    case 'startsWith':
      return (l, r) => folded(l).startsWith(folded(r));
    case 'endsWith':
      return (l, r) => folded(l).endsWith(folded(r));
    case 'greaterThan':
      return (l, r) => order(l, r) > 0;
    case 'lessThan':
      return (l, r) => order(l, r) < 0;
    case 'greaterOrEqual':
      return (l, r) => order(l, r) >= 0;
    case 'lessOrEqual':
      return (l, r) => order(l, r) <= 0;
    case 'matchesRegex':
    case 'notMatchesRegex':
      return (l, r) => matches(l, r, env);
    case 'isSet':
    case 'isEmpty':
      return () => false;
  }
}

/** Operators true when any pair matches; their negations are true when no pair matches. */
const ANY_PAIR: readonly ComparisonOperator[] = ['contains', 'matchesRegex'];
const NEGATED: Partial<Record<ComparisonOperator, ComparisonOperator>> = {
  notContains: 'contains',
  notMatchesRegex: 'matchesRegex',
};

const items = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Compares a left value with a right value (already resolved). */
export function compareValues(left: unknown, operator: ComparisonOperator, right: unknown, env: ConditionEnv): boolean {
  if (operator === 'isSet') return !isEmptyValue(left);
  if (operator === 'isEmpty') return isEmptyValue(left);
  const positive = NEGATED[operator];
  if (positive) return !compareValues(left, positive, right, env);
  const test = pairTest(operator, Array.isArray(left), env);
  const pairs = items(left).flatMap((l) => items(right).map((r): [unknown, unknown] => [l, r]));
  if (operator === 'notEquals') return pairs.every(([l, r]) => !test(l, r));
  if (pairs.length === 0) return false;
  return ANY_PAIR.includes(operator) ? pairs.some(([l, r]) => test(l, r)) : pairs.every(([l, r]) => test(l, r));
}

/** The right operand: a single `{{variable}}` gives its raw value; "undefined" and "null" give none. */
export function resolveRightOperand(template: string | undefined, scope: VariableScope): unknown {
  if (template === undefined) return undefined;
  const value = resolveTemplateValue(template, scope);
  return value === 'undefined' || value === 'null' ? undefined : value;
}

export function evaluateComparison(comparison: Comparison, env: ConditionEnv): boolean {
  const left = env.scope.get(comparison.variableId);
  if (UNARY_OPERATORS.includes(comparison.operator)) return compareValues(left, comparison.operator, undefined, env);
  return compareValues(left, comparison.operator, resolveRightOperand(comparison.value, env.scope), env);
}

/** AND (default) or OR of the comparisons; a condition without comparisons is false. */
export function evaluateCondition(condition: Condition, env: ConditionEnv): boolean {
  if (condition.comparisons.length === 0) return false;
  const test = (c: Comparison) => evaluateComparison(c, env);
  return condition.logicalOperator === 'or' ? condition.comparisons.some(test) : condition.comparisons.every(test);
}
