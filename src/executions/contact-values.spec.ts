import type { ContactDto } from '@/contacts/dto/contact.dto';
import { contactValuesOf } from './contact-values';

const dto = (over: Partial<ContactDto> = {}): ContactDto =>
  ({
    id: 'c1',
    name: 'Ada',
    email: null,
    phone: '+33612345678',
    attributes: { plan: 'pro', seats: 5, vip: true, tags: ['x'], name: 'attribute name' },
    lifecycleStage: 'lead',
    leadScore: 3,
    ...over,
  }) as ContactDto;

describe('contactValuesOf', () => {
  it('maps fields and scalar attributes; built-in fields win; unset fields are absent', () => {
    expect(contactValuesOf(dto())).toEqual({
      id: 'c1',
      name: 'Ada',
      phone: '+33612345678',
      lifecycleStage: 'lead',
      leadScore: 3,
      plan: 'pro',
      seats: 5,
      vip: true,
    });
  });

  it('drops an attribute named like an unset built-in field', () => {
    expect(contactValuesOf(dto({ name: null }))?.name).toBeUndefined();
  });

  it('is undefined without a contact', () => {
    expect(contactValuesOf(null)).toBeUndefined();
  });
});
