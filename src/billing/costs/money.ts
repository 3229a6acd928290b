/**
 * USD amounts as exact integers of nano-dollars (10⁻⁹), parsed from and printed to the decimal
 * strings PostgreSQL's `numeric` gives and takes: no float is ever summed or compared.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** `"20.13"` → 20_130_000_000n (digits past the 9th decimal are cut). */
export function parseNanos(decimal: string): bigint {
  const match = DECIMAL.exec(decimal.trim());
  if (!match) throw new Error(`not a decimal amount: ${decimal}`);
  const [, minus, whole, fraction = ''] = match;
  const nanos = BigInt(whole!) * 1_000_000_000n + BigInt(fraction.slice(0, 9).padEnd(9, '0'));
  return minus ? -nanos : nanos;
}

/** Nano-dollars → `"$20.13"`, rounded half up to the cent. */
export function formatUsd(nanos: bigint): string {
  const cents = (nanos + 5_000_000n) / 10_000_000n;
  return `$${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** Nano-dollars as a JSON number of USD (exact below $9M: at most 15 significant digits). */
export const usdNumber = (nanos: bigint): number => Number(nanos) / 1e9;

/** A USD number with at most 2 decimals (validated input) → its `numeric` text, e.g. 20.1 → `"20.10"`. */
export const centsString = (usd: number): string => {
  const cents = Math.round(usd * 100);
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
};

/** `part` of `whole` in percent, one decimal (null without a whole). */
export function percentOf(part: bigint, whole: bigint | null): number | null {
  if (whole === null) return null;
  if (whole === 0n) return part > 0n ? 100 : 0;
  return Number((part * 1000n + whole / 2n) / whole) / 10;
}
