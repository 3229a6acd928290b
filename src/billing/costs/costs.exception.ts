import { DomainException, type FieldError } from '@/common/errors/domain.exception';

/** The report's date range is not usable (a day that does not exist, `to` before `from`, too long). */
export class CostRangeInvalid extends DomainException {
  constructor(errors: readonly FieldError[]) {
    super({
      code: 'billing.cost_range_invalid',
      status: 400,
      detail: 'The date range of the report is invalid.',
      errors,
    });
  }
}
