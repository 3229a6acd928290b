import type { ContactDto } from '@/contacts/dto/contact.dto';
import type { ContactValues } from './engine/engine-types';

/**
 * What `{{contact.<key>}}` reads: the contact's id, name, email, phone, lifecycle stage and lead
 * score, and its attributes by key (scalars only; the built-in fields win over an attribute of the
 * same key). Unset fields are absent, so they print empty.
 */
export function contactValuesOf(contact: ContactDto | null | undefined): ContactValues | undefined {
  if (!contact) return undefined;
  const values: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(contact.attributes)) {
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    ) {
      values[key] = value;
    }
  }
  values.id = contact.id;
  if (contact.name !== null) values.name = contact.name;
  else delete values.name;
  if (contact.email !== null) values.email = contact.email;
  else delete values.email;
  if (contact.phone !== null) values.phone = contact.phone;
  else delete values.phone;
  values.lifecycleStage = contact.lifecycleStage;
  values.leadScore = contact.leadScore;
  return values;
}
