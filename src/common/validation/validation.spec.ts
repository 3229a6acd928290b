import { IsEmail, IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { Type, plainToInstance } from 'class-transformer';
import { ValidationFailed } from '../errors/domain.exception';
import { createValidationPipe } from './validation';

class ItemDto {
  @IsString()
  label!: string;
}

class BodyDto {
  @IsEmail()
  email!: string;

  @IsInt()
  @Min(1)
  count!: number;

  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items!: ItemDto[];
}

describe('createValidationPipe', () => {
  const pipe = createValidationPipe();
  const run = (value: unknown) => pipe.transform(value, { type: 'body', metatype: BodyDto });

  it('names every invalid field with a dotted path', async () => {
    const error = await run({ email: 'nope', count: 0, items: [{ label: 'ok' }, { label: 3 }] }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationFailed);
    const fields = (error as ValidationFailed).errors!.map((e) => e.field);
    expect(fields).toEqual(['email', 'count', 'items[1].label']);
  });

  it('refuses properties it does not know', async () => {
    const error = await run({ email: 'a@b.co', count: 1, items: [], admin: true }).catch((e: unknown) => e);
    expect((error as ValidationFailed).errors).toEqual([
      { field: 'admin', message: 'property admin should not exist' },
    ]);
  });

  it('returns a typed instance for valid input', async () => {
    const value = (await run({ email: 'a@b.co', count: 2, items: [{ label: 'x' }] })) as BodyDto;
    expect(value).toBeInstanceOf(BodyDto);
    expect(value.items[0]).toEqual(plainToInstance(ItemDto, { label: 'x' }));
  });
});
