import type { FieldError } from '@/common/errors/domain.exception';
import type { AttributeType } from './entities/contact-attribute-definition.entity';

/** What `contacts.attributes[key]` holds: text and list as strings, dates as `YYYY-MM-DD`. */
export type AttributeValue = string | number | boolean;

export interface AttributeDefinitionShape {
  readonly type: AttributeType;
  readonly options: readonly string[];
}

export const MAX_TEXT_ATTRIBUTE = 2000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date `YYYY-MM-DD` that exists (2024-02-30 does not). */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A JSON value for the attribute, or undefined when it is not one of its type. */
export function coerceAttributeValue(definition: AttributeDefinitionShape, value: unknown): AttributeValue | undefined {
  switch (definition.type) {
    case 'text':
      return typeof value === 'string' && value.length <= MAX_TEXT_ATTRIBUTE ? value : undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? value : undefined;
    case 'list':
      return typeof value === 'string' && definition.options.includes(value) ? value : undefined;
  }
}

/** A filter value (a query string's text) read by the attribute's type. */
export function parseAttributeFilterValue(
  definition: AttributeDefinitionShape,
  raw: string,
): AttributeValue | undefined {
  switch (definition.type) {
    case 'number': {
      if (!/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(raw.trim())) return undefined;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean':
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'text':
    case 'date':
    case 'list':
      return coerceAttributeValue(definition, raw);
  }
}

const describe = (definition: AttributeDefinitionShape): string => {
  switch (definition.type) {
    case 'text':
      return `a string of at most ${MAX_TEXT_ATTRIBUTE} characters`;
    case 'number':
      return 'a finite number';
    case 'boolean':
      return 'true or false';
    case 'date':
      return 'a date YYYY-MM-DD';
    case 'list':
      return `one of ${definition.options.join(', ')}`;
  }
};

/**
 * Checks a contact's attributes against the organization's definitions: every key defined, every
 * value of its type (`null` removes the attribute). Returns the values to store (null = remove)
 * and the errors, named `attributes.<key>`.
 */
export function checkAttributes(
  definitions: ReadonlyMap<string, AttributeDefinitionShape>,
  attributes: Readonly<Record<string, unknown>>,
): { values: Record<string, AttributeValue | null>; errors: FieldError[] } {
  const values: Record<string, AttributeValue | null> = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const definition = definitions.get(key);
    if (!definition) {
      errors.push({ field: `attributes.${key}`, message: `there is no contact attribute "${key}"` });
      continue;
    }
    if (value === null) {
      values[key] = null;
      continue;
    }
    const coerced = coerceAttributeValue(definition, value);
    if (coerced === undefined) errors.push({ field: `attributes.${key}`, message: `must be ${describe(definition)}` });
    else values[key] = coerced;
  }
  return { values, errors };
}
