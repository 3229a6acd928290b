import { Type } from 'class-transformer';
import { IsString } from 'class-validator';
import { ValidationFailed } from '../errors/domain.exception';
import { INT4_MAX, IsInt4, IsStorableDate, OptionalNotNull, OptionalNullable, ParseInt4Pipe } from './field-validators';
import { createValidationPipe } from './validation';

class Dto {
  @OptionalNotNull()
  @IsString()
  name?: string;

  @OptionalNullable()
  @IsString()
  note?: string | null;

  @OptionalNotNull()
  @Type(() => Number)
  @IsInt4({ min: 1 })
  revision?: number;

  @OptionalNotNull()
  @Type(() => Date)
  @IsStorableDate()
  from?: Date;
}

const pipe = createValidationPipe();
const errorsOf = async (value: unknown) => {
  const error = await pipe.transform(value, { type: 'body', metatype: Dto }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof ValidationFailed ? error.errors : undefined;
};

describe('field validators', () => {
  it('OptionalNotNull: absent is fine, null is refused', async () => {
    expect(await errorsOf({})).toBeUndefined();
    expect(await errorsOf({ name: null })).toContainEqual({ field: 'name', message: 'name must not be null' });
  });

  it('OptionalNullable: null is accepted (it clears the field)', async () => {
    expect(await errorsOf({ note: null })).toBeUndefined();
  });

  it('IsInt4: refuses what an int4 column cannot hold, 1e308 included', async () => {
    expect(await errorsOf({ revision: INT4_MAX })).toBeUndefined();
    for (const revision of [INT4_MAX + 1, 1e308, 1e20, 0, 1.5, '99999999999']) {
      expect((await errorsOf({ revision }))?.[0]?.field).toBe('revision');
    }
  });

  it('IsStorableDate: years 1 to 9999 only', async () => {
    expect(await errorsOf({ from: '2024-02-29T12:00:00Z' })).toBeUndefined();
    for (const from of ['-200000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z', '10000-01-01T00:00:00Z', 'nope']) {
      expect((await errorsOf({ from }))?.[0]?.field).toBe('from');
    }
  });
});

describe('ParseInt4Pipe', () => {
  const versions = new ParseInt4Pipe('version');
  it('parses integers from 1 to int4 max', () => {
    expect(versions.transform('1')).toBe(1);
    expect(versions.transform(String(INT4_MAX))).toBe(INT4_MAX);
  });
  it.each(['0', '-1', '2147483648', '99999999999', '1e20', '1.5', 'abc', ''])(
    'refuses %p with a 400 naming it',
    (raw) => {
      expect(() => versions.transform(raw)).toThrow(ValidationFailed);
    },
  );
});
