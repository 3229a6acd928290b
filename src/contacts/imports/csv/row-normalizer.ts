import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { AttributeDefinition, ColumnTarget, ContactField } from './column-mapping';
import './phone-patterns';

/** A valid row, normalized, as it is staged. */
export interface NormalizedRow {
  readonly name: string | null;
  /** Trimmed and lower case. */
  readonly email: string | null;
  /** E.164. */
  readonly phone: string | null;
  readonly lifecycleStage: string | null;
  readonly leadScore: number | null;
  /** Non-empty attribute values by key, typed (numbers, booleans, ISO dates), or null when none. */
  readonly attributes: Record<string, string | number | boolean> | null;
}

/** A rejected row: why (one sentence, the first problem found). */
export interface RowRejection {
  readonly reason: string;
}

export interface NormalizeOptions {
  readonly columns: readonly ColumnTarget[];
  /** The organization's lifecycle stages; a value outside them is refused. */
  readonly lifecycleStages: readonly string[];
  /** For phone numbers written without `+<country code>`; without it such numbers are refused. */
  readonly defaultCountry?: string | null;
}

const EMAIL = /^[^\s@"(),:;<>[\\\]]+@[^\s@"(),:;<>[\\\]]+\.[^\s@"(),:;<>[\\\]]+$/;
const INTEGER = /^[+-]?\d{1,10}$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const MAX_NAME = 200;
const MAX_EMAIL = 320;
const MAX_TEXT = 2000;
const TRUE = new Set(['true', 'yes', 'y', '1', 'oui', 'ja']);
const FALSE = new Set(['false', 'no', 'n', '0', 'non', 'nein']);

/** Shown in reasons: the value as given, cut short. */
const shown = (value: string): string => JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);

const reject = (reason: string): RowRejection => ({ reason });

/**
 * Validates and normalizes one row of the file (an array of the row's fields) against the
 * resolved mapping. Cheap: the column positions are worked out once, and a row costs a few
 * string operations and, when it has one, a phone number parse.
 */
export function createRowNormalizer(
  options: NormalizeOptions,
): (record: readonly string[]) => NormalizedRow | RowRejection {
  const fieldAt = (field: ContactField): number =>
    options.columns.findIndex((c) => c.kind === 'field' && c.field === field);
  const at = {
    name: fieldAt('name'),
    firstName: fieldAt('firstName'),
    lastName: fieldAt('lastName'),
    email: fieldAt('email'),
    phone: fieldAt('phone'),
    lifecycleStage: fieldAt('lifecycleStage'),
    leadScore: fieldAt('leadScore'),
  };
  const attributes = options.columns.flatMap((c, index) =>
    c.kind === 'attribute' ? [{ index, definition: c.definition }] : [],
  );
  const stages = new Map(options.lifecycleStages.map((s) => [s.toLowerCase(), s]));
  const width = options.columns.length;
  const country = (options.defaultCountry ?? undefined) as CountryCode | undefined;
  const value = (record: readonly string[], index: number): string => (index < 0 ? '' : (record[index] ?? '').trim());

  return (record) => {
    if (record.length !== width) return reject(`The row has ${record.length} columns, the header ${width}.`);
    for (const field of record) if (field.includes('\u0000')) return reject('The row contains a NUL character.');

    const email: string | null = value(record, at.email).toLowerCase() || null;
    if (email !== null && (email.length > MAX_EMAIL || !EMAIL.test(email))) {
      return reject(`Invalid email ${shown(email)}.`);
    }
    let phone: string | null = null;
    const rawPhone = value(record, at.phone);
    if (rawPhone) {
      const parsed = parsePhoneNumberFromString(rawPhone, country);
      if (!parsed?.isValid()) {
        return reject(
          rawPhone.startsWith('+') || country
            ? `Invalid phone number ${shown(rawPhone)}.`
            : `Invalid phone number ${shown(rawPhone)}: write it with +<country code>.`,
        );
      }
      phone = parsed.number;
    }
    if (email === null && phone === null) return reject('The row has neither an email nor a phone number.');

    let name: string | null =
      at.name >= 0
        ? value(record, at.name)
        : [value(record, at.firstName), value(record, at.lastName)].filter(Boolean).join(' ');
    name ||= null;
    if (name !== null && name.length > MAX_NAME) return reject(`The name is longer than ${MAX_NAME} characters.`);

    let lifecycleStage: string | null = null;
    const rawStage = value(record, at.lifecycleStage);
    if (rawStage) {
      lifecycleStage = stages.get(rawStage.toLowerCase()) ?? null;
      if (lifecycleStage === null) {
        return reject(`Unknown lifecycle stage ${shown(rawStage)} (one of ${options.lifecycleStages.join(', ')}).`);
      }
    }
    let leadScore: number | null = null;
    const rawScore = value(record, at.leadScore);
    if (rawScore) {
      const score = INTEGER.test(rawScore) ? Number(rawScore) : NaN;
      if (!Number.isSafeInteger(score) || score < -2_147_483_648 || score > 2_147_483_647) {
        return reject(`The lead score ${shown(rawScore)} is not a whole number.`);
      }
      leadScore = score;
    }

    let values: Record<string, string | number | boolean> | null = null;
    for (const { index, definition } of attributes) {
      const raw = value(record, index);
      if (!raw) continue;
      const typed = typedAttribute(definition, raw);
      if (typeof typed === 'object') return typed;
      (values ??= {})[definition.key] = typed;
    }
    return { name, email, phone, lifecycleStage, leadScore, attributes: values };
  };
}

function typedAttribute(definition: AttributeDefinition, raw: string): string | number | boolean | RowRejection {
  const label = `Attribute "${definition.key}"`;
  switch (definition.type) {
    case 'text':
      return raw.length > MAX_TEXT ? reject(`${label} is longer than ${MAX_TEXT} characters.`) : raw;
    case 'number': {
      const number = Number(raw.replace(/\s/g, ''));
      return raw.trim() !== '' && Number.isFinite(number) ? number : reject(`${label}: ${shown(raw)} is not a number.`);
    }
    case 'boolean': {
      const lower = raw.toLowerCase();
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      return reject(`${label}: ${shown(raw)} is not a yes/no value.`);
    }
    case 'date': {
      const match = ISO_DATE.exec(raw);
      const date = match ? new Date(`${match[1]!}-${match[2]!}-${match[3]!}T00:00:00Z`) : null;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== raw.slice(0, 10)) {
        return reject(`${label}: ${shown(raw)} is not a date (YYYY-MM-DD).`);
      }
      return raw.slice(0, 10);
    }
    case 'list': {
      if (definition.options.length === 0) return raw;
      const option = definition.options.find((o) => o.toLowerCase() === raw.toLowerCase());
      return option ?? reject(`${label}: ${shown(raw)} is not one of ${definition.options.join(', ')}.`);
    }
  }
}
