import type { FieldError } from '@/common/errors/domain.exception';

/** The longest report, in days. */
export const MAX_RANGE_DAYS = 366;

export interface CostRange {
  /** First day, included (YYYY-MM-DD, UTC). */
  readonly from: string;
  /** Last day, included. */
  readonly to: string;
  /** The day after `to`: the range is `[from, toExclusive)` in SQL. */
  readonly toExclusive: string;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(9998, 11, 31);

/** Midnight UTC of a YYYY-MM-DD that exists (not 2026-02-30) within 1900…9998, else undefined. */
function parseDay(day: string): number | undefined {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  return Number.isNaN(ms) || ms < EARLIEST || ms > LATEST || dayOf(ms) !== day ? undefined : ms;
}

/**
 * The range of a cost report: `from` and `to` are days (UTC), both included; by default the
 * current month up to today. Answers the field errors instead when a day does not exist, `to` is
 * before `from`, or the range is longer than `MAX_RANGE_DAYS`.
 */
export function costRange(
  query: { from?: string | undefined; to?: string | undefined },
  now: Date = new Date(),
): CostRange | FieldError[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const errors: FieldError[] = [];
  const from = query.from === undefined ? Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) : parseDay(query.from);
  const to = query.to === undefined ? Math.max(today, from ?? today) : parseDay(query.to);
  if (from === undefined)
    errors.push({ field: 'from', message: 'from must be a day that exists (YYYY-MM-DD, 1900 to 9998)' });
  if (to === undefined)
    errors.push({ field: 'to', message: 'to must be a day that exists (YYYY-MM-DD, 1900 to 9998)' });
  if (from === undefined || to === undefined) return errors;
  if (to < from) return [{ field: 'to', message: 'to must not be before from' }];
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS) {
    return [{ field: 'to', message: `the range is ${days} days; at most ${MAX_RANGE_DAYS}` }];
  }
  return { from: dayOf(from), to: dayOf(to), toExclusive: dayOf(to + DAY_MS) };
}
