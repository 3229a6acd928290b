import { Param, type PipeTransform } from '@nestjs/common';
import { IsDate, IsDefined, IsInt, IsOptional, Max, MaxDate, Min, MinDate, ValidateIf } from 'class-validator';
import { ValidationFailed } from '../errors/domain.exception';

/**
 * Reusable field validators for what PostgreSQL can hold, and for optional fields that are not
 * nullable. Every DTO field that feeds an `integer` or `timestamptz` column uses them.
 */

/** PostgreSQL `integer` (int4) bounds. */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;

/** Dates Parley accepts: years 1–9999 (ISO 8601 without expansion), all representable by `timestamptz`. */
export const MIN_STORABLE_DATE = new Date('0001-01-01T00:00:00.000Z');
export const MAX_STORABLE_DATE = new Date('9999-12-31T23:59:59.999Z');

type Decorator = PropertyDecorator;

const compose =
  (...decorators: Decorator[]): Decorator =>
  (target, key) => {
    for (const decorator of decorators) decorator(target, key);
  };

/**
 * An integer an `integer` column can hold, within `[min, max]` (default: the whole int4 range).
 * `1e308` and `2147483648` are refused here, not by the database.
 */
export const IsInt4 = ({ min = INT4_MIN, max = INT4_MAX }: { min?: number; max?: number } = {}): Decorator =>
  compose(IsInt(), Min(Math.max(min, INT4_MIN)), Max(Math.min(max, INT4_MAX)));

/** A `Date` (after `@Type(() => Date)`) between years 1 and 9999, so `timestamptz` holds it. */
export const IsStorableDate = (): Decorator =>
  compose(
    IsDate(),
    MinDate(MIN_STORABLE_DATE, { message: '$property must be on or after 0001-01-01' }),
    MaxDate(MAX_STORABLE_DATE, { message: '$property must be on or before 9999-12-31' }),
  );

/**
 * Optional but not nullable: the field may be left out, but `null` is refused (class-validator's
 * `@IsOptional()` lets `null` through to the service and the database). Use this for every optional
 * field whose column is not nullable or whose `null` means nothing.
 */
export const OptionalNotNull = (): Decorator =>
  compose(
    ValidateIf((_object: unknown, value: unknown) => value !== undefined),
    IsDefined({ message: '$property must not be null' }),
  );

/**
 * Optional and nullable: `undefined` and `null` both skip the other validators. Only where `null`
 * has a meaning (clearing a nullable field); document it with `nullable: true`.
 */
export const OptionalNullable = (): Decorator => IsOptional();

const INT4_PATTERN = /^-?\d{1,10}$/;

/** Parses a path parameter as an integer in `[min, INT4_MAX]`; 400 problem naming it otherwise. */
export class ParseInt4Pipe implements PipeTransform<string, number> {
  constructor(
    private readonly name: string,
    private readonly min = 1,
  ) {}

  transform(value: string): number {
    const parsed = INT4_PATTERN.test(value) ? Number(value) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < this.min || parsed > INT4_MAX) {
      throw new ValidationFailed([
        { field: this.name, message: `${this.name} must be an integer from ${this.min} to ${INT4_MAX}` },
      ]);
    }
    return parsed;
  }
}

/** `@Int4Param('version')`: a path parameter that must be an integer an int4 column holds (≥ 1 by default). */
export const Int4Param = (name: string, min = 1): ParameterDecorator => Param(name, new ParseInt4Pipe(name, min));
