import { coerceToType, guessTyped, isEmptyValue, printValue, toVariableValue } from './variable-values';

describe('variable values', () => {
  it('prints values for templates', () => {
    expect(printValue(undefined)).toBe('');
    expect(printValue(12.5)).toBe('12.5');
    expect(printValue(['a', 1])).toBe('["a",1]');
    expect(printValue({ a: 1 })).toBe('{"a":1}');
  });

  it('coerces to the declared type, keeping what does not fit', () => {
    expect(coerceToType('42', 'number')).toBe(42);
    expect(coerceToType('forty', 'number')).toBe('forty');
    expect(coerceToType(42, 'string')).toBe('42');
    expect(coerceToType(['a', 'b'], 'string')).toBe('a, b');
    expect(coerceToType('yes', 'boolean')).toBe(true);
    expect(coerceToType('a', 'list')).toEqual(['a']);
    expect(coerceToType('["a","b"]', 'list')).toEqual(['a', 'b']);
    expect(coerceToType('{"a":1}', 'object')).toEqual({ a: 1 });
  });

  it('guesses types as code sees them', () => {
    expect(guessTyped('5')).toBe(5);
    expect(guessTyped('007')).toBe('007');
    expect(guessTyped('+33')).toBe('+33');
    expect(guessTyped('true')).toBe(true);
    expect(guessTyped('[1,2]')).toEqual([1, 2]);
  });

  it('turns JSON into variable values', () => {
    expect(toVariableValue(null)).toBeUndefined();
    expect(toVariableValue([1, null, { a: 1 }])).toEqual([1, '{"a":1}']);
    expect(toVariableValue(Number.NaN)).toBeUndefined();
    expect(isEmptyValue(' ')).toBe(true);
    expect(isEmptyValue(0)).toBe(false);
  });
});
