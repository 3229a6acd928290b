import type { OrganizationId } from '@/access/organization-id';
import type { FieldError } from '@/common/errors/domain.exception';
import { type AttributeValue, parseAttributeFilterValue } from './attribute-values';
import type { AttributeType } from './entities/contact-attribute-definition.entity';
import type { ConsentChannel } from './entities/contact.entity';

/**
 * Which contacts: the one filter of the list, bulk actions, segments and export (all optional,
 * combined with AND). `attributes` values are strings as a query string carries them; they are
 * read by the attribute's type (`attributes[score]=5` compares the number 5).
 */
export interface ContactFilter {
  readonly search?: string;
  /** Any of these tags. */
  readonly tags?: readonly string[];
  /** All of these tags. */
  readonly tagsAll?: readonly string[];
  readonly lifecycle?: readonly string[];
  /** Opted in on this channel (current consent). */
  readonly optIn?: ConsentChannel;
  readonly lastSeenFrom?: Date;
  readonly lastSeenTo?: Date;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly blocked?: boolean;
  /** These contacts only (bulk actions by id). */
  readonly ids?: readonly string[];
}

export const contactSorts = ['createdAt', 'lastSeenAt'] as const;
export type ContactSort = (typeof contactSorts)[number];

/** Where a page starts: after this row of the sort order (time in microseconds since the epoch, or null). */
export interface ContactCursor {
  readonly micros: string | null;
  readonly id: string;
}

export interface SqlFragment {
  /** A boolean SQL expression over `c` (contacts), with `$n` placeholders. */
  readonly sql: string;
  readonly params: unknown[];
}

/** The attribute definitions a filter may name, by key. */
export type AttributeTypes = ReadonlyMap<string, { readonly type: AttributeType; readonly options: readonly string[] }>;

export class ContactFilterInvalid extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
export const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A prefix tsquery of the words of a search (`ann smi 42` → `ann:* & smi:* & 42`): letters and
 * digits only, so no tsquery syntax gets through. Null when there is no word.
 */
export function prefixTsQuery(search: string): string | null {
  const words = search
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '')
    .slice(0, 8);
  // Digits match whole numbers: a digit prefix would expand to every number of every contact
  // (phones, ids in names, numeric attributes); phones have their own prefix index.
  return words.length ? words.map((w) => (/^\d+$/.test(w) ? w : `${w}:*`)).join(' & ') : null;
}

/**
 * The whole-number words of a prefix tsquery (`company:* & 4321` → `4321`), or null: the part a
 * GIN index answers by its posting lists alone. A prefix word (`company:*`) is answered by merging
 * the entries of every lexeme it starts (every contact, for a common word), so a search with a
 * number asks the index for the numbers only and checks the rest on the rows.
 */
export function exactTsQuery(prefixQuery: string): string | null {
  const exact = prefixQuery.split(' & ').filter((w) => !w.endsWith(':*'));
  return exact.length ? exact.join(' & ') : null;
}

/**
 * A search that looks like an email or a handle (`bob.jones`, `cat@acme`: one token with `.` or
 * `@` inside): looked up by the name and email prefix indexes only. Emails are not in the
 * tsvector, and its prefix query (`bob:* & jones:*`) would cost a GIN expansion of both words for
 * nothing better.
 */
export const identifierLike = (search: string): boolean => /^[^\s.@]+(?:[.@][^\s.@]+)+$/u.test(search.trim());

/** A search that looks like a phone number (`+44 20…`, `0044…`): its `+digits` prefix. */
export function phonePrefix(search: string): string | null {
  const compact = search.replace(/[\s().-]/g, '');
  if (!/^\+?\d{3,}$/.test(compact)) return null;
  return compact.startsWith('+') ? compact : compact.startsWith('00') ? `+${compact.slice(2)}` : `+${compact}`;
}

/**
 * The SQL condition of a filter over contacts `c` of one organization, with parameters numbered
 * from `$<first>`: pure, parameterized (no value is ever spliced into SQL), index-backed —
 * `ix_contacts_*_prefix` (text_pattern_ops) for prefixes, `ix_contacts_search` (GIN tsvector) for
 * words (name and attribute values), `ix_contacts_tag_ids` (GIN) for tags, `ix_contacts_attributes`/`ix_contacts_consents` (GIN
 * jsonb_path_ops, `@>`) for attributes and consent, `ix_contacts_org_lifecycle`/`_last_seen` for
 * stage and last seen. The organization condition is always first.
 */
export function contactFilterSql(
  organizationId: OrganizationId,
  filter: ContactFilter,
  attributeTypes: AttributeTypes,
  first = 1,
): SqlFragment {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const conditions = [`c.organization_id = ${p(organizationId)}`];
  const errors: FieldError[] = [];
  if (filter.ids) conditions.push(`c.id = ANY(${p([...filter.ids])}::uuid[])`);

  const search = filter.search?.trim();
  if (search) {
    const lowered = search.toLowerCase();
    const any = [`lower(c.name) LIKE ${p(likePrefix(lowered))}`, `lower(c.email) LIKE ${p(likePrefix(lowered))}`];
    const phone = phonePrefix(search);
    if (phone) any.push(`c.phone LIKE ${p(likePrefix(phone))}`);
    const words = identifierLike(search) ? null : prefixTsQuery(search);
    const exact = words && exactTsQuery(words);
    if (exact && exact !== words) {
      // `c.search || ''` is no indexed expression: the index finds the numbers, the rows the rest.
      any.push(
        `(c.search @@ to_tsquery('simple', ${p(exact)}) AND (c.search || ''::tsvector) @@ to_tsquery('simple', ${p(words)}))`,
      );
    } else if (words) any.push(`c.search @@ to_tsquery('simple', ${p(words)})`);
    conditions.push(`(${any.join(' OR ')})`);
  }
  // `contacts.tag_ids` (kept by triggers on contact_tags) through its GIN index `ix_contacts_tag_ids`.
  if (filter.tags?.length) conditions.push(`c.tag_ids && ${p([...new Set(filter.tags)])}::uuid[]`);
  const all = [...new Set(filter.tagsAll ?? [])];
  if (all.length) conditions.push(`c.tag_ids @> ${p(all)}::uuid[]`);
  if (filter.lifecycle?.length) conditions.push(`c.lifecycle_stage = ANY(${p([...filter.lifecycle])}::text[])`);
  if (filter.optIn) {
    conditions.push(`c.consents @> ${p(JSON.stringify({ [filter.optIn]: { status: 'opt_in' } }))}::jsonb`);
  }
  if (filter.lastSeenFrom) conditions.push(`c.last_seen_at >= ${p(filter.lastSeenFrom)}`);
  if (filter.lastSeenTo) conditions.push(`c.last_seen_at < ${p(filter.lastSeenTo)}`);
  if (filter.blocked !== undefined) conditions.push(filter.blocked ? 'c.blocked' : 'NOT c.blocked');
  for (const [key, raw] of Object.entries(filter.attributes ?? {})) {
    const definition = attributeTypes.get(key);
    if (!definition) {
      errors.push({ field: `attributes.${key}`, message: `there is no contact attribute "${key}"` });
      continue;
    }
    const value: AttributeValue | undefined = parseAttributeFilterValue(definition, raw);
    if (value === undefined) {
      errors.push({ field: `attributes.${key}`, message: `must be a ${definition.type} value` });
      continue;
    }
    conditions.push(`c.attributes @> ${p(JSON.stringify({ [key]: value }))}::jsonb`);
  }
  if (errors.length) throw new ContactFilterInvalid(errors);
  return { sql: conditions.join(' AND '), params };
}

export interface ContactOrder {
  /** The keyset condition (rows after the cursor), or null on the first page. */
  readonly after: string | null;
  readonly orderBy: string;
  /** `orderBy` that no index serves (see `ContactsRepository.list`). */
  readonly matchesFirstOrderBy: string;
  readonly params: unknown[];
  readonly cursorColumn: string;
}

/** ORDER BY and the keyset condition after a cursor, for a sort (index `ix_contacts_org_created` / `_last_seen`). */
export function contactOrderSql(sort: ContactSort, cursor: ContactCursor | undefined, first: number): ContactOrder {
  const column = sort === 'lastSeenAt' ? 'c.last_seen_at' : 'c.created_at';
  const cursorColumn = `(extract(epoch FROM ${column}) * 1000000)::bigint::text`;
  const orderBy = sort === 'lastSeenAt' ? 'c.last_seen_at DESC NULLS LAST, c.id DESC' : 'c.created_at DESC, c.id DESC';
  // The same order through an expression no index has: the planner finds the matches first
  // (bitmaps of the filter's indexes), then sorts them, instead of walking the order's index.
  const matchesFirstOrderBy =
    sort === 'lastSeenAt'
      ? "c.last_seen_at + interval '0 s' DESC NULLS LAST, c.id DESC"
      : "c.created_at + interval '0 s' DESC, c.id DESC";
  const base = { orderBy, matchesFirstOrderBy, cursorColumn };
  if (!cursor) return { ...base, after: null, params: [] };
  const at = `('epoch'::timestamptz + $${first}::bigint * interval '1 microsecond')`;
  if (cursor.micros === null) {
    // Only a nullable sort (last seen) has null cursors: the never-seen contacts come last, by id.
    return { ...base, after: `(${column} IS NULL AND c.id < $${first}::uuid)`, params: [cursor.id] };
  }
  const after =
    sort === 'lastSeenAt'
      ? `((${column}, c.id) < (${at}, $${first + 1}::uuid) OR ${column} IS NULL)`
      : `(${column}, c.id) < (${at}, $${first + 1}::uuid)`;
  return { ...base, after, params: [cursor.micros, cursor.id] };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `<micros>_<id>` or `_<id>` (null time); undefined when it is not one. */
export function parseContactCursor(cursor: string): ContactCursor | undefined {
  const match = /^(-?\d{1,19})?_(.+)$/.exec(cursor);
  if (!match || !UUID.test(match[2]!)) return undefined;
  return { micros: match[1] ?? null, id: match[2]! };
}

export const formatContactCursor = (micros: string | null, id: string): string => `${micros ?? ''}_${id}`;
