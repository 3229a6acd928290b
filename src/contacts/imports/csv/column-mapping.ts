/**
 * Which CSV column goes where: a contact field, a custom attribute (`attributes.<key>`) or nowhere.
 * The caller's mapping (header → target, `null` or `"ignore"` to drop a column) wins; the other
 * headers are auto-detected from common names (`E-mail`, `Phone number`, `First name`, …) and from
 * the organization's attribute definitions (key or label).
 */

export const CONTACT_FIELDS = [
  'name',
  'firstName',
  'lastName',
  'email',
  'phone',
  'lifecycleStage',
  'leadScore',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

/** A mapping target as the API takes it: a field, `attributes.<key>`, or `ignore`. */
export type MappingTarget = ContactField | `attributes.${string}` | 'ignore';

export const ATTRIBUTE_TARGET = /^attributes\.([a-z][a-z0-9_]{0,63})$/;

export const isMappingTarget = (value: unknown): value is MappingTarget =>
  typeof value === 'string' &&
  ((CONTACT_FIELDS as readonly string[]).includes(value) || value === 'ignore' || ATTRIBUTE_TARGET.test(value));

export type AttributeType = 'text' | 'number' | 'date' | 'boolean' | 'list';

export interface AttributeDefinition {
  readonly key: string;
  readonly label: string;
  readonly type: AttributeType;
  readonly options: readonly string[];
}

/** Lower case, letters and digits only: `E-mail` → `email`, `Phone number` → `phonenumber`. */
export const normalizeHeader = (header: string): string =>
  header
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

const ALIASES: Readonly<Record<string, ContactField>> = Object.fromEntries(
  (
    [
      ['email', ['email', 'emailaddress', 'mail', 'emailadresse', 'courriel']],
      ['phone', ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'mobilephone', 'cell', 'cellphone', 'whatsapp']],
      ['name', ['name', 'fullname', 'contactname', 'displayname']],
      ['firstName', ['firstname', 'first', 'givenname', 'forename', 'prenom', 'vorname']],
      ['lastName', ['lastname', 'last', 'surname', 'familyname', 'nom', 'nachname']],
      ['lifecycleStage', ['lifecyclestage', 'lifecycle', 'stage']],
      ['leadScore', ['leadscore', 'score']],
    ] as const
  ).flatMap(([field, names]) => names.map((n) => [n, field])),
);

/** What one column of the file is used for. */
export type ColumnTarget =
  | { readonly kind: 'field'; readonly field: ContactField }
  | { readonly kind: 'attribute'; readonly definition: AttributeDefinition }
  | { readonly kind: 'ignore' };

export interface ResolvedMapping {
  /** One target per column of the file, in order. */
  readonly columns: readonly ColumnTarget[];
  /** header → target as used, for the import's status (`ignore` for dropped columns). */
  readonly summary: Record<string, MappingTarget>;
}

/** Why the mapping cannot be used with this file (the import fails with it). */
export class MappingError extends Error {}

export function resolveMapping(
  header: readonly string[],
  requested: Readonly<Record<string, MappingTarget | null>>,
  definitions: readonly AttributeDefinition[],
): ResolvedMapping {
  const byKey = new Map(definitions.map((d) => [d.key, d]));
  const byName = new Map<string, AttributeDefinition>();
  for (const d of definitions) {
    byName.set(normalizeHeader(d.label), d);
    byName.set(normalizeHeader(d.key), d);
  }
  const trimmed = header.map((h) => h.trim());
  const missing = Object.keys(requested).filter((h) => !trimmed.includes(h.trim()));
  if (missing.length > 0) {
    throw new MappingError(`The mapping names columns the file does not have: ${missing.join(', ')}.`);
  }
  const requestedByHeader = new Map(Object.entries(requested).map(([h, t]) => [h.trim(), t]));
  const used = new Set<string>();
  const claim = (target: ColumnTarget): void => {
    const key = targetOf(target);
    if (key === 'ignore') return;
    if (used.has(key)) throw new MappingError(`Two columns are mapped to "${key}".`);
    used.add(key);
  };
  // The caller's choices first, so auto-detection does not take their targets.
  const chosen = trimmed.map((h): ColumnTarget | undefined => {
    if (!requestedByHeader.has(h)) return undefined;
    const explicit = requestedByHeader.get(h);
    if (explicit === null || explicit === undefined || explicit === 'ignore') return { kind: 'ignore' };
    const attribute = ATTRIBUTE_TARGET.exec(explicit);
    if (!attribute) return { kind: 'field', field: explicit as ContactField };
    const definition = byKey.get(attribute[1]!);
    if (!definition) throw new MappingError(`Column "${h}": there is no attribute "${attribute[1]!}".`);
    return { kind: 'attribute', definition };
  });
  chosen.forEach((target) => target && claim(target));
  const summary: Record<string, MappingTarget> = {};
  const columns = trimmed.map((h, index): ColumnTarget => {
    let target = chosen[index];
    if (!target) {
      const normalized = normalizeHeader(h);
      const field = ALIASES[normalized];
      const definition = byName.get(normalized);
      target = field ? { kind: 'field', field } : definition ? { kind: 'attribute', definition } : { kind: 'ignore' };
      // Auto-detection never maps two columns to one target: the first one wins.
      if (used.has(targetOf(target))) target = { kind: 'ignore' };
      else claim(target);
    }
    summary[h === '' ? `column ${index + 1}` : h] = targetOf(target);
    return target;
  });
  if (!used.has('email') && !used.has('phone')) {
    throw new MappingError('No column is mapped to email or phone; a contact is matched and deduplicated by them.');
  }
  if (used.has('name') && (used.has('firstName') || used.has('lastName'))) {
    throw new MappingError('Map either "name" or "firstName"/"lastName", not both.');
  }
  return { columns, summary };
}

const targetOf = (target: ColumnTarget): MappingTarget =>
  target.kind === 'field'
    ? target.field
    : target.kind === 'attribute'
      ? `attributes.${target.definition.key}`
      : 'ignore';
