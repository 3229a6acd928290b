import { DomainException } from '@/common/errors/domain.exception';

const sqlState = (error: unknown): unknown => {
  const candidate = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return candidate?.driverError?.code ?? candidate?.code;
};

/** PostgreSQL's unique_violation: an insert lost a race for a unique value. */
export const isUniqueViolation = (error: unknown): boolean => sqlState(error) === '23505';

/**
 * PostgreSQL refused a value the request carried: class 22 (data exception: out-of-range numbers
 * and dates, invalid text representation, NUL bytes, bad encoding…) or 23502 (not_null_violation).
 * Validation should have caught it; when it did not, it is still the client's input at fault.
 */
export const isPostgresDataError = (error: unknown): boolean => {
  const state = sqlState(error);
  return typeof state === 'string' && /^(22[0-9A-Z]{3}|23502)$/.test(state);
};

export const INVALID_VALUE_CODE = 'request.invalid_value';

/** 400 `request.invalid_value`: PostgreSQL refused a value; no driver detail or SQL is shown. */
export class InvalidValue extends DomainException {
  constructor(cause?: unknown) {
    super({
      code: INVALID_VALUE_CODE,
      status: 400,
      detail: 'The request carries a value that cannot be stored (out of range, malformed or missing).',
      cause,
    });
  }
}

/** The 400 problem for a PostgreSQL data error, or undefined for any other error. */
export const postgresDataException = (error: unknown): InvalidValue | undefined =>
  isPostgresDataError(error) ? new InvalidValue(error) : undefined;
