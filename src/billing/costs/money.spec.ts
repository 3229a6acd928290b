import { centsString, formatUsd, parseNanos, percentOf, usdNumber } from './money';

describe('money', () => {
  it('parses numeric text exactly', () => {
    expect(parseNanos('20.13')).toBe(20_130_000_000n);
    expect(parseNanos('0.000001050')).toBe(1050n);
    expect(parseNanos('7')).toBe(7_000_000_000n);
    expect(parseNanos('-1.5')).toBe(-1_500_000_000n);
    expect(parseNanos('0.0000000019')).toBe(1n);
    expect(() => parseNanos('1e3')).toThrow('not a decimal amount');
  });

  it('prints dollars and cents, rounded half up', () => {
    expect(formatUsd(20_000_000_000n)).toBe('$20.00');
    expect(formatUsd(20_125_000_000n)).toBe('$20.13');
    expect(formatUsd(20_124_999_999n)).toBe('$20.12');
    expect(formatUsd(0n)).toBe('$0.00');
  });

  it('turns nano-dollars into JSON numbers and budgets into numeric text', () => {
    expect(usdNumber(1050n)).toBe(0.00000105);
    expect(usdNumber(12_345_678_901_234n)).toBe(12345.678901234);
    expect(centsString(20)).toBe('20.00');
    expect(centsString(20.1)).toBe('20.10');
    expect(centsString(0.29)).toBe('0.29');
    expect(centsString(1_000_000.07)).toBe('1000000.07');
  });

  it('computes a percentage with one decimal', () => {
    expect(percentOf(16_000_000_000n, 20_000_000_000n)).toBe(80);
    expect(percentOf(1n, 3n)).toBe(33.3);
    expect(percentOf(2n, 3n)).toBe(66.7);
    expect(percentOf(5n, null)).toBeNull();
    expect(percentOf(0n, 0n)).toBe(0);
    expect(percentOf(1n, 0n)).toBe(100);
  });
});
