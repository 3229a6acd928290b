import { COMPARISON_OPERATORS, type ComparisonOperator, type Condition, type VariableValue } from '@/flows';
import { compareValues, evaluateCondition, type ConditionEnv } from './conditions';
import { idOf, storeWith } from './testing/engine-harness';

const env = (values: Record<string, VariableValue> = {}): ConditionEnv => ({
  scope: storeWith(values),
  maxRegexInputLength: 100,
});

/** [left, operator, right, expected] — at least one true and one false case per operator. */
const CASES: [VariableValue | undefined, ComparisonOperator, unknown, boolean][] = [
  ['Jane', 'equals', 'Jane', true],
  ['Jane', 'equals', 'jane', false],
  ['Cafe\u0301', 'equals', 'Café', true],
  ['Jane', 'notEquals', 'John', true],
  ['Jane', 'notEquals', 'Jane', false],
  ['Hello World', 'contains', ' world ', true],
  ['Hello', 'contains', 'bye', false],
  [['red', 'Blue'], 'contains', 'blue', true],
  [['red', 'blue'], 'contains', 'bl', false],
  ['Hello', 'notContains', 'bye', true],
  [['red', 'blue'], 'notContains', 'red', false],
  ['10', 'greaterThan', '9', true],
  ['9', 'greaterThan', '10', false],
  ['2025-02-01', 'greaterThan', '2025-01-31', true],
  ['abc', 'greaterThan', 'ab', true],
  ['+5', 'greaterThan', '10', false],
  ['3', 'lessThan', '4', true],
  ['4', 'lessThan', '4', false],
  ['4', 'greaterOrEqual', '4', true],
  ['3', 'greaterOrEqual', '4', false],
  ['4', 'lessOrEqual', '4', true],
  ['5', 'lessOrEqual', '4', false],
  [['5', '6'], 'greaterThan', '4', true],
  [['5', '3'], 'greaterThan', '4', false],
  ['x', 'isSet', undefined, true],
  ['  ', 'isSet', undefined, false],
  [undefined, 'isSet', undefined, false],
  [[], 'isEmpty', undefined, true],
  ['x', 'isEmpty', undefined, false],
  ['Hello World', 'startsWith', 'hello', true],
  ['Hello World', 'startsWith', 'world', false],
  ['Hello World', 'endsWith', 'WORLD', true],
  ['Hello World', 'endsWith', 'hello', false],
  ['ABC-123', 'matchesRegex', '^[A-Z]+-\\d+$', true],
  ['abc-123', 'matchesRegex', '/^[A-Z]+-\\d+$/i', true],
  ['abc-123', 'matchesRegex', '^[A-Z]+-\\d+$', false],
  ['abc', 'matchesRegex', '(unclosed', false],
  ['aaaaaaaaaaaaaaaaaaaaaaaaaaaa!', 'matchesRegex', '^(a+)+$', false],
  ['abc', 'notMatchesRegex', '^\\d+$', true],
  ['123', 'notMatchesRegex', '^\\d+$', false],
];

describe('compareValues', () => {
  it.each(CASES)('%j %s %j → %s', (left, operator, right, expected) => {
    expect(compareValues(left, operator, right, env())).toBe(expected);
  });

  it('covers every comparison operator of the model with a true and a false case', () => {
    for (const operator of COMPARISON_OPERATORS) {
      const outcomes = CASES.filter((c) => c[1] === operator).map((c) => c[3]);
      expect({ operator, true: outcomes.includes(true), false: outcomes.includes(false) }).toEqual({
        operator,
        true: true,
        false: true,
      });
    }
  });

  it('treats unset as empty text for equality', () => {
    expect(compareValues(undefined, 'equals', '', env())).toBe(true);
    expect(compareValues(undefined, 'equals', undefined, env())).toBe(true);
  });

  it('does not run a regex on text longer than the cap', () => {
    expect(compareValues('a'.repeat(101), 'matchesRegex', '^a+$', env())).toBe(false);
    expect(compareValues('a'.repeat(100), 'matchesRegex', '^a+$', env())).toBe(true);
  });
});

describe('evaluateCondition', () => {
  const e = env({ Age: '30', Name: 'Jane', Tags: ['vip', 'new'], Limit: '18', Null: 'x' });
  const id = (name: string) => idOf(e.scope as never, name);
  const condition = (
    logicalOperator: 'and' | 'or',
    ...comparisons: [string, ComparisonOperator, string?][]
  ): Condition => ({
    logicalOperator,
    comparisons: comparisons.map(([name, operator, value], i) => ({
      id: `c${i}`,
      variableId: id(name),
      operator,
      ...(value !== undefined ? { value } : {}),
    })),
  });

  it('combines comparisons with AND', () => {
    expect(evaluateCondition(condition('and', ['Age', 'greaterThan', '18'], ['Name', 'equals', 'Jane']), e)).toBe(true);
    expect(evaluateCondition(condition('and', ['Age', 'greaterThan', '18'], ['Name', 'equals', 'John']), e)).toBe(
      false,
    );
  });

  it('combines comparisons with OR', () => {
    expect(evaluateCondition(condition('or', ['Age', 'lessThan', '18'], ['Name', 'equals', 'Jane']), e)).toBe(true);
    expect(evaluateCondition(condition('or', ['Age', 'lessThan', '18'], ['Name', 'equals', 'John']), e)).toBe(false);
  });

  it('is false without comparisons', () => {
    expect(evaluateCondition({ logicalOperator: 'and', comparisons: [] }, e)).toBe(false);
  });

  it('substitutes variables in the right operand, using a single reference raw', () => {
    expect(evaluateCondition(condition('and', ['Age', 'greaterThan', '{{Limit}}']), e)).toBe(true);
    expect(evaluateCondition(condition('and', ['Name', 'equals', 'Ja{{Null}}']), e)).toBe(false);
    expect(evaluateCondition(condition('and', ['Name', 'equals', 'null']), e)).toBe(false);
  });

  it('checks list variables item by item', () => {
    expect(evaluateCondition(condition('and', ['Tags', 'contains', 'VIP']), e)).toBe(true);
    expect(evaluateCondition(condition('and', ['Tags', 'contains', 'old']), e)).toBe(false);
  });
});
