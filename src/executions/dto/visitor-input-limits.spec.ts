import { jsonBytes, prefilledVariablesProblems } from './visitor-input-limits';

describe('visitor input limits', () => {
  it('measures UTF-8 bytes of JSON', () => {
    expect(jsonBytes('é')).toBe(4);
    expect(jsonBytes(undefined)).toBe(0);
    expect(jsonBytes({ a: [1, 2] })).toBe(11);
  });

  it('names each prefilled variable over its cap, else reports the whole when over the total', () => {
    expect(prefilledVariablesProblems({ email: 'ada@example.com' })).toEqual([]);
    expect(prefilledVariablesProblems({ a: 'x'.repeat(5_000), b: 'ok' })).toEqual([
      { name: 'a', message: 'must be at most 4096 bytes as JSON' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`v${i}`, 'x'.repeat(4_000)]));
    expect(prefilledVariablesProblems(many)).toEqual([{ message: 'must be at most 16384 bytes as JSON in all' }]);
  });
});
