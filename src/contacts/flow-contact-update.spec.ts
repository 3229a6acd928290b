import type { AttributeDefinitionShape } from './attribute-values';
import { normalizeEmail, toE164 } from './contacts.service';
import { describeFieldErrors, flowContactWrite, type FlowContactField } from './flow-contact-update';

const settings = {
  lifecycleStages: ['lead', 'customer'],
  defaultLifecycleStage: 'lead',
  defaultCountry: 'FR',
};
const definitions = new Map<string, AttributeDefinitionShape>([
  ['plan', { type: 'list', options: ['free', 'pro'] }],
  ['seats', { type: 'number', options: [] }],
  ['vip', { type: 'boolean', options: [] }],
]);
const write = (fields: FlowContactField[]) =>
  flowContactWrite(fields, settings, definitions, { email: normalizeEmail, phone: toE164 });

describe('flowContactWrite', () => {
  it('checks and normalizes every field, reading text by the attribute type', () => {
    expect(
      write([
        { field: 'name', value: '  Ada ' },
        { field: 'email', value: 'Ada@Example.COM' },
        { field: 'phone', value: '06 12 34 56 78' },
        { field: 'lifecycleStage', value: 'customer' },
        { field: 'leadScore', value: '12' },
        { field: 'attribute', attributeKey: 'plan', value: 'pro' },
        { field: 'attribute', attributeKey: 'seats', value: '5' },
        { field: 'attribute', attributeKey: 'vip', value: true },
      ]),
    ).toEqual({
      write: {
        name: 'Ada',
        email: 'Ada@example.com',
        phone: '+33612345678',
        lifecycleStage: 'customer',
        leadScore: 12,
        attributes: { plan: 'pro', seats: 5, vip: true },
      },
      errors: [],
    });
  });

  it('skips empty values (an unset variable never clears a field)', () => {
    expect(
      write([
        { field: 'email', value: '' },
        { field: 'name', value: undefined },
      ]),
    ).toEqual({ write: {}, errors: [] });
  });

  it('names every invalid value', () => {
    const { errors } = write([
      { field: 'email', value: 'not-an-email' },
      { field: 'phone', value: '12' },
      { field: 'lifecycleStage', value: 'vip' },
      { field: 'leadScore', value: '1.5' },
      { field: 'attribute', attributeKey: 'unknown', value: 'x' },
      { field: 'attribute', attributeKey: 'plan', value: 'gold' },
      { field: 'name', value: ['a', 'list'] },
    ]);
    expect(errors.map((e) => e.field)).toEqual([
      'email',
      'phone',
      'lifecycleStage',
      'leadScore',
      'name',
      'attributes.unknown',
      'attributes.plan',
    ]);
    expect(describeFieldErrors(errors.slice(0, 1))).toBe('email: email must be an email address');
  });
});
