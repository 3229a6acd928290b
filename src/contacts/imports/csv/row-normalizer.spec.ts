import type { AttributeDefinition, ColumnTarget } from './column-mapping';
import { createRowNormalizer } from './row-normalizer';

const attribute = (key: string, type: AttributeDefinition['type'], options: string[] = []): ColumnTarget => ({
  kind: 'attribute',
  definition: { key, label: key, type, options },
});
const field = (name: 'name' | 'firstName' | 'lastName' | 'email' | 'phone' | 'lifecycleStage' | 'leadScore') =>
  ({ kind: 'field', field: name }) as const;

const normalize = createRowNormalizer({
  columns: [
    field('email'),
    field('phone'),
    field('firstName'),
    field('lastName'),
    field('lifecycleStage'),
    field('leadScore'),
    attribute('age', 'number'),
    attribute('vip', 'boolean'),
    attribute('since', 'date'),
    attribute('plan', 'list', ['free', 'pro']),
    { kind: 'ignore' },
  ],
  lifecycleStages: ['lead', 'customer'],
  defaultCountry: null,
});
const row = (values: Partial<Record<number, string>>): string[] =>
  Array.from({ length: 11 }, (_, i) => values[i] ?? '');

describe('createRowNormalizer', () => {
  it('normalizes a good row: lower-case email, E.164 phone, joined name, typed attributes', () => {
    expect(
      normalize(
        row({
          0: ' Ada@Example.COM ',
          1: '+44 20 7946 0958',
          2: 'Ada',
          3: 'Lovelace',
          4: 'Customer',
          5: '7',
          6: '36',
          7: 'yes',
          8: '1815-12-10',
          9: 'PRO',
        }),
      ),
    ).toEqual({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+442079460958',
      lifecycleStage: 'customer',
      leadScore: 7,
      attributes: { age: 36, vip: true, since: '1815-12-10', plan: 'pro' },
    });
    expect(normalize(row({ 0: 'a@example.com' }))).toEqual({
      name: null,
      email: 'a@example.com',
      phone: null,
      lifecycleStage: null,
      leadScore: null,
      attributes: null,
    });
  });

  it.each([
    [{ 0: 'nope' }, 'Invalid email "nope".'],
    [{ 1: '12345' }, 'Invalid phone number "12345": write it with +<country code>.'],
    [{ 1: '+1 555' }, 'Invalid phone number "+1 555".'],
    [{}, 'The row has neither an email nor a phone number.'],
    [{ 0: 'a@example.com', 4: 'vip' }, 'Unknown lifecycle stage "vip" (one of lead, customer).'],
    [{ 0: 'a@example.com', 5: '1.5' }, 'The lead score "1.5" is not a whole number.'],
    [{ 0: 'a@example.com', 6: 'old' }, 'Attribute "age": "old" is not a number.'],
    [{ 0: 'a@example.com', 7: 'maybe' }, 'Attribute "vip": "maybe" is not a yes/no value.'],
    [{ 0: 'a@example.com', 8: '2026-02-30' }, 'Attribute "since": "2026-02-30" is not a date (YYYY-MM-DD).'],
    [{ 0: 'a@example.com', 9: 'gold' }, 'Attribute "plan": "gold" is not one of free, pro.'],
    [{ 0: 'a@example.com', 2: 'x'.repeat(201) }, 'The name is longer than 200 characters.'],
    [{ 0: 'a@example.com', 10: 'nul\u0000' }, 'The row contains a NUL character.'],
  ])('rejects %j: %s', (values, reason) => {
    expect(normalize(row(values))).toEqual({ reason });
  });

  it('rejects rows with another number of columns than the header', () => {
    expect(normalize(['a@example.com'])).toEqual({ reason: 'The row has 1 columns, the header 11.' });
  });

  it('reads national numbers in the default country when there is one', () => {
    const french = createRowNormalizer({ columns: [field('phone')], lifecycleStages: [], defaultCountry: 'FR' });
    expect(french(['01 23 45 67 89'])).toMatchObject({ phone: '+33123456789' });
  });
});
