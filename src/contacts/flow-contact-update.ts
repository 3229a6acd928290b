import type { FieldError } from '@/common/errors/domain.exception';
import { type AttributeDefinitionShape, checkAttributes, parseAttributeFilterValue } from './attribute-values';
import type { ContactSettingsRow, ContactWrite } from './contacts.repository';

/** A field a flow's `updateContact` block sets (the engine resolved its template). */
export interface FlowContactField {
  readonly field: 'name' | 'email' | 'phone' | 'lifecycleStage' | 'leadScore' | 'attribute';
  readonly attributeKey?: string;
  readonly value: unknown;
}

/** A flow's contact update: the session's contact, or none yet (then the email or phone matches or makes one). */
export interface FlowContactUpdate {
  readonly contactId: string | null;
  /** The session, linked with its conversation to the contact matched or made. */
  readonly sessionId: string;
  readonly fields: readonly FlowContactField[];
}

/** The contact after the update (its id, and whether the session was linked to it now), or why not. */
export type FlowContactOutcome =
  | { readonly ok: true; readonly contactId: string; readonly linked: boolean }
  | { readonly ok: false; readonly error: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME = 200;
const MAX_EMAIL = 320;

/** A scalar as text (numbers too: a phone read by a number input); lists and objects are not text. */
const asText = (value: unknown): string | undefined =>
  typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined;

const isEmpty = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

/**
 * The write of a flow's fields, checked like the API's (phone to E.164 in the default country,
 * lifecycle stage among the organization's, attributes by their definitions, a number read from
 * text for number attributes and the lead score). An empty value (an unset variable) is skipped,
 * never cleared. Pure: `normalizeEmail` and `toE164` are passed in.
 */
export function flowContactWrite(
  fields: readonly FlowContactField[],
  settings: ContactSettingsRow,
  definitions: ReadonlyMap<string, AttributeDefinitionShape>,
  normalize: { email: (email: string) => string; phone: (phone: string, country: string | null) => string | undefined },
): { write: ContactWrite; errors: FieldError[] } {
  const write: ContactWrite = {};
  const errors: FieldError[] = [];
  const attributes: Record<string, unknown> = {};
  const wrong = (field: string, message: string) => errors.push({ field, message });
  for (const { field, attributeKey, value } of fields) {
    if (isEmpty(value)) continue;
    const text = asText(value);
    switch (field) {
      case 'name':
        if (text === undefined) wrong('name', 'name must be text');
        else write.name = text.slice(0, MAX_NAME);
        break;
      case 'email':
        if (text === undefined || text.length > MAX_EMAIL || !EMAIL.test(text)) {
          wrong('email', 'email must be an email address');
        } else write.email = normalize.email(text);
        break;
      case 'phone': {
        const e164 = text === undefined ? undefined : normalize.phone(text, settings.defaultCountry);
        if (e164) write.phone = e164;
        else wrong('phone', 'phone must be a valid phone number (E.164, or national in the default country)');
        break;
      }
      case 'lifecycleStage':
        if (text !== undefined && settings.lifecycleStages.includes(text)) write.lifecycleStage = text;
        else wrong('lifecycleStage', `lifecycleStage must be one of ${settings.lifecycleStages.join(', ')}`);
        break;
      case 'leadScore': {
        const score =
          typeof value === 'number' ? value : text !== undefined && /^-?\d+$/.test(text) ? Number(text) : NaN;
        if (Number.isSafeInteger(score) && Math.abs(score) <= 2_147_483_647) write.leadScore = score;
        else wrong('leadScore', 'leadScore must be a whole number');
        break;
      }
      case 'attribute': {
        const key = attributeKey?.trim() ?? '';
        const definition = definitions.get(key);
        // Text read by the attribute's type ("5" for a number, "true" for a boolean), as filters do.
        attributes[key] =
          definition && typeof value === 'string'
            ? (parseAttributeFilterValue(definition, value.trim()) ?? value)
            : value;
        break;
      }
    }
  }
  if (Object.keys(attributes).length) {
    const checked = checkAttributes(definitions, attributes);
    errors.push(...checked.errors);
    write.attributes = checked.values;
  }
  return { write, errors };
}

/** The errors as one line for the session's log. */
export const describeFieldErrors = (errors: readonly FieldError[]): string =>
  errors.map((e) => `${e.field}: ${e.message}`).join('; ');
