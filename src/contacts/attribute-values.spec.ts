import {
  type AttributeDefinitionShape,
  checkAttributes,
  coerceAttributeValue,
  isCalendarDate,
  parseAttributeFilterValue,
} from './attribute-values';
import { mergeAttributes } from './contacts.repository';
import { neutralizeFormula } from '@/common/csv/spreadsheet-safe';
import { normalizeEmail, toE164 } from './contacts.service';

const list = { type: 'list' as const, options: ['free', 'pro'] };

describe('attribute values', () => {
  it('accepts each type only in its JSON shape', () => {
    expect(coerceAttributeValue({ type: 'number', options: [] }, 3.5)).toBe(3.5);
    expect(coerceAttributeValue({ type: 'number', options: [] }, '3')).toBeUndefined();
    expect(coerceAttributeValue({ type: 'number', options: [] }, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(coerceAttributeValue({ type: 'boolean', options: [] }, 'true')).toBeUndefined();
    expect(coerceAttributeValue({ type: 'date', options: [] }, '2024-02-29')).toBe('2024-02-29');
    expect(coerceAttributeValue({ type: 'date', options: [] }, '2023-02-29')).toBeUndefined();
    expect(coerceAttributeValue(list, 'pro')).toBe('pro');
    expect(coerceAttributeValue(list, 'gold')).toBeUndefined();
    expect(coerceAttributeValue({ type: 'text', options: [] }, 'x'.repeat(2001))).toBeUndefined();
  });

  it('reads query-string values by type', () => {
    expect(parseAttributeFilterValue({ type: 'number', options: [] }, '5.0')).toBe(5);
    expect(parseAttributeFilterValue({ type: 'number', options: [] }, '0x10')).toBeUndefined();
    expect(parseAttributeFilterValue({ type: 'boolean', options: [] }, 'false')).toBe(false);
    expect(parseAttributeFilterValue({ type: 'boolean', options: [] }, '1')).toBeUndefined();
  });

  it('checks a contact attributes object against the definitions; null removes', () => {
    const definitions = new Map<string, AttributeDefinitionShape>([
      ['plan', list],
      ['seats', { type: 'number' as const, options: [] }],
    ]);
    expect(checkAttributes(definitions, { plan: 'pro', seats: null })).toEqual({
      values: { plan: 'pro', seats: null },
      errors: [],
    });
    expect(checkAttributes(definitions, { plan: 1, other: 'x' }).errors.map((e) => e.field)).toEqual([
      'attributes.plan',
      'attributes.other',
    ]);
  });

  it('knows calendar dates', () => {
    expect(isCalendarDate('2026-12-31')).toBe(true);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('0000-01-01')).toBe(false);
  });
});

describe('merge and normalization helpers', () => {
  it('lets the target win unless its value is empty', () => {
    expect(mergeAttributes({ a: 'target', b: '', c: null, d: [] }, { a: 'source', b: 'src', c: 'src', e: 1 })).toEqual({
      a: 'target',
      b: 'src',
      c: 'src',
      d: [],
      e: 1,
    });
  });

  it('normalizes emails and phones', () => {
    expect(normalizeEmail('  Grace@Navy.MIL ')).toBe('Grace@navy.mil');
    expect(toE164('+1 (415) 555-0100', null)).toBe('+14155550100');
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('020 7946 0958', null)).toBeUndefined();
    expect(toE164('12', 'US')).toBeUndefined();
  });

  it('neutralizes spreadsheet formulas in CSV cells but leaves phone numbers alone', () => {
    expect(neutralizeFormula('=HYPERLINK("x")')).toBe('\'=HYPERLINK("x")');
    expect(neutralizeFormula('@SUM(1)')).toBe("'@SUM(1)");
    expect(neutralizeFormula('+14155550100')).toBe('+14155550100');
    expect(neutralizeFormula('-5')).toBe('-5');
    expect(neutralizeFormula('+cmd')).toBe("'+cmd");
  });
});
