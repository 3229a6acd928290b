import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '@/database/base.entity';
import type { AttributeTypes, ContactOrder, SqlFragment } from './contact-filter';
import type { AttributeType } from './entities/contact-attribute-definition.entity';
import {
  type ConsentChannel,
  type ConsentStatus,
  type CurrentConsent,
  defaultLifecycleStages,
} from './entities/contact.entity';

/** A contact as the API shows it (snake_case, straight from SQL). */
export interface ContactRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  lifecycle_stage: string;
  lead_score: number;
  blocked: boolean;
  source: string | null;
  consents: Record<string, CurrentConsent>;
  first_seen_at: Date | null;
  last_seen_at: Date | null;
  conversation_count: number;
  created_at: Date;
  updated_at: Date;
  tag_ids: string[];
  cursor_micros: string | null;
}

export interface ContactSettingsRow {
  lifecycleStages: string[];
  defaultLifecycleStage: string;
  defaultCountry: string | null;
}

export interface ContactWrite {
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  /** Attribute values to set; `null` removes the key. */
  attributes?: Record<string, unknown>;
  lifecycleStage?: string;
  leadScore?: number;
  blocked?: boolean;
  source?: string | null;
}

export interface ConsentRow {
  id: string;
  channel: ConsentChannel;
  status: ConsentStatus;
  source: string;
  evidence: string | null;
  ip: string | null;
  user_agent: string | null;
  recorded_at: Date;
  recorded_by: string | null;
}

export interface ErasureRow {
  id: string;
  contact_id: string;
  reason: string;
  removed: Record<string, number>;
  erased_at: Date;
}

/** `c`'s columns for the API, and its tag ids (`tag_ids`, sorted, kept by triggers on `contact_tags`). */
export const CONTACT_COLUMNS = `
  c.id, c.name, c.email, c.phone, c.attributes, c.lifecycle_stage, c.lead_score, c.blocked, c.source, c.consents,
  c.first_seen_at, c.last_seen_at, c.conversation_count, c.created_at, c.updated_at,
  c.tag_ids::text[] AS tag_ids`;

/**
 * `contacts.consents` from the history: the latest row per channel (`ix_contact_consents_contact`).
 * `$1` organization, `$2` contact.
 */
const REFRESH_CONSENTS = `
  UPDATE contacts SET consents = COALESCE((
      SELECT jsonb_object_agg(l.channel, jsonb_build_object('status', l.status, 'source', l.source,
               'recordedAt', to_char(l.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
        FROM (SELECT DISTINCT ON (k.channel) k.channel, k.status, k.source, k.recorded_at
                FROM contact_consents k WHERE k.contact_id = $2
               ORDER BY k.channel, k.recorded_at DESC, k.id DESC) l), '{}'::jsonb),
      updated_at = now()
   WHERE organization_id = $1 AND id = $2`;

const json = (value: unknown): string => JSON.stringify(value);

/** Contacts a filtered page looks through in order before it asks the filter's indexes (see `list`). */
export const SCAN_WINDOW = 5_000;
/** The longest second look in order (see `list`). */
export const MAX_SCAN_WINDOW = 25_000;
/** Matches in the first window from which a second, longer look in order is worth it. */
export const SECOND_LOOK_MIN = 20;

/**
 * How many contacts a second look in order reads, after `found` (< `limit`) matches among the first
 * `SCAN_WINDOW`: twice what the density seen predicts for a page, at most `MAX_SCAN_WINDOW`. Null
 * when the filter is too rare for it (fewer than `SECOND_LOOK_MIN` matches): its indexes answer.
 */
export function secondWindow(found: number, limit: number): number | null {
  if (found < SECOND_LOOK_MIN) return null;
  return Math.min(MAX_SCAN_WINDOW, Math.ceil((2 * SCAN_WINDOW * limit) / found));
}

/**
 * The contacts table and its satellites (tags of contacts, consents, erasures). Every method takes
 * the organization first; filters come in as SQL fragments built by `contactFilterSql` (numbered
 * from `$1` = the organization).
 */
@Injectable()
export class ContactsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async attributeTypes(organizationId: OrganizationId, em?: EntityManager): Promise<AttributeTypes> {
    const rows = await (em ?? this.dataSource).query<{ key: string; type: AttributeType; options: string[] }[]>(
      'SELECT key, type, options FROM contact_attribute_definitions WHERE organization_id = $1',
      [organizationId],
    );
    return new Map(rows.map((r) => [r.key, { type: r.type, options: r.options }]));
  }

  async settings(organizationId: OrganizationId): Promise<ContactSettingsRow> {
    const [row] = await this.dataSource.query<
      { lifecycle_stages: string[]; default_lifecycle_stage: string; default_country: string | null }[]
    >(
      'SELECT lifecycle_stages, default_lifecycle_stage, default_country FROM contact_settings WHERE organization_id = $1',
      [organizationId],
    );
    return row
      ? {
          lifecycleStages: row.lifecycle_stages,
          defaultLifecycleStage: row.default_lifecycle_stage,
          defaultCountry: row.default_country,
        }
      : { lifecycleStages: [...defaultLifecycleStages], defaultLifecycleStage: 'lead', defaultCountry: null };
  }

  async saveSettings(organizationId: OrganizationId, settings: ContactSettingsRow): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO contact_settings (organization_id, lifecycle_stages, default_lifecycle_stage, default_country)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id) DO UPDATE SET lifecycle_stages = EXCLUDED.lifecycle_stages,
         default_lifecycle_stage = EXCLUDED.default_lifecycle_stage, default_country = EXCLUDED.default_country,
         updated_at = now()`,
      [organizationId, settings.lifecycleStages, settings.defaultLifecycleStage, settings.defaultCountry],
    );
  }

  async find(organizationId: OrganizationId, id: string, em?: EntityManager): Promise<ContactRow | null> {
    const [row] = await (em ?? this.dataSource).query<ContactRow[]>(
      `SELECT ${CONTACT_COLUMNS}, NULL AS cursor_micros FROM contacts c WHERE c.organization_id = $1 AND c.id = $2`,
      [organizationId, id],
    );
    return row ?? null;
  }

  /**
   * One page in the order given: `filter` is numbered from $1 (the organization), `after` and the
   * order's parameters after it. A filtered page first looks among the `SCAN_WINDOW` next contacts
   * in the order (one walk of the order's index, a few milliseconds): when they hold the page, it
   * is the answer (a common filter). When they hold at least `SECOND_LOOK_MIN` matches, a second
   * look in order reads as many contacts as the density seen predicts for a page, twice over (at
   * most `MAX_SCAN_WINDOW`). Otherwise the filter is rare, so its matches are few: they
   * are found through the filter's own indexes and sorted (`matchesFirstOrderBy`). Either way no
   * query walks the whole organization, whatever the planner estimates.
   */
  async list(filter: SqlFragment, order: ContactOrder, limit: number, filtered: boolean): Promise<ContactRow[]> {
    const where = order.after ? `${filter.sql} AND ${order.after}` : filter.sql;
    const params = [...filter.params, ...order.params, limit];
    const select = `SELECT ${CONTACT_COLUMNS}, ${order.cursorColumn} AS cursor_micros`;
    if (!filtered) {
      return this.dataSource.query<ContactRow[]>(
        `${select} FROM contacts c WHERE ${where} ORDER BY ${order.orderBy} LIMIT $${params.length}`,
        params,
      );
    }
    const inOrder = (size: number) =>
      this.dataSource.query<ContactRow[]>(
        `${select} FROM (SELECT * FROM contacts c WHERE c.organization_id = $1${order.after ? ` AND ${order.after}` : ''}
                          ORDER BY ${order.orderBy} LIMIT ${size}) c
          WHERE ${where} ORDER BY ${order.orderBy} LIMIT $${params.length}`,
        params,
      );
    const recent = await inOrder(SCAN_WINDOW);
    if (recent.length >= limit) return recent;
    // A filter of middling density (a few matches per thousand): a longer look in order still
    // stops at the page, and costs less than fetching and sorting its thousands of matches.
    const second = secondWindow(recent.length, limit);
    if (second !== null) {
      const more = await inOrder(second);
      if (more.length >= limit) return more;
    }
    return this.dataSource.query<ContactRow[]>(
      `${select} FROM contacts c WHERE ${where} ORDER BY ${order.matchesFirstOrderBy} LIMIT $${params.length}`,
      params,
    );
  }

  async count(filter: SqlFragment): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM contacts c WHERE ${filter.sql}`,
      filter.params,
    );
    return row?.n ?? 0;
  }

  /** Ids of the tags among `tagIds` that belong to the organization. */
  async ownTags(organizationId: OrganizationId, tagIds: readonly string[], em?: EntityManager): Promise<string[]> {
    if (!tagIds.length) return [];
    const rows = await (em ?? this.dataSource).query<{ id: string }[]>(
      'SELECT id FROM tags WHERE organization_id = $1 AND id = ANY($2::uuid[])',
      [organizationId, [...new Set(tagIds)]],
    );
    return rows.map((r) => r.id);
  }

  async insert(em: EntityManager, organizationId: OrganizationId, fields: Required<ContactWrite>): Promise<string> {
    const id = newId();
    await em.query(
      `INSERT INTO contacts (id, organization_id, name, email, phone, attributes, lifecycle_stage, lead_score, blocked,
                             source, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, jsonb_strip_nulls($6::jsonb), $7, $8, $9, $10, now(), now())`,
      [
        id,
        organizationId,
        fields.name,
        fields.email,
        fields.phone,
        json(fields.attributes),
        fields.lifecycleStage,
        fields.leadScore,
        fields.blocked,
        fields.source,
      ],
    );
    return id;
  }

  /** Applies the given fields (attributes merged: `null` values remove keys). False when there is no such contact. */
  async update(em: EntityManager, organizationId: OrganizationId, id: string, fields: ContactWrite): Promise<boolean> {
    const sets: string[] = [];
    const params: unknown[] = [organizationId, id];
    const set = (column: string, value: unknown, cast = ''): void => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (fields.name !== undefined) set('name', fields.name);
    if (fields.email !== undefined) set('email', fields.email);
    if (fields.phone !== undefined) set('phone', fields.phone);
    if (fields.lifecycleStage !== undefined) set('lifecycle_stage', fields.lifecycleStage);
    if (fields.leadScore !== undefined) set('lead_score', fields.leadScore);
    if (fields.blocked !== undefined) set('blocked', fields.blocked);
    if (fields.source !== undefined) set('source', fields.source);
    if (fields.attributes !== undefined) {
      params.push(json(fields.attributes));
      sets.push(`attributes = jsonb_strip_nulls(attributes || $${params.length}::jsonb)`);
    }
    sets.push('updated_at = now()');
    const [, count] = await em.query<[unknown, number]>(
      `UPDATE contacts SET ${sets.join(', ')} WHERE organization_id = $1 AND id = $2`,
      params,
    );
    return count > 0;
  }

  async replaceTags(em: EntityManager, organizationId: OrganizationId, id: string, tagIds: readonly string[]) {
    await em.query('DELETE FROM contact_tags WHERE organization_id = $1 AND contact_id = $2', [organizationId, id]);
    await em.query(
      `INSERT INTO contact_tags (organization_id, contact_id, tag_id)
       SELECT $1, $2, t.id FROM tags t WHERE t.organization_id = $1 AND t.id = ANY($3::uuid[]) ON CONFLICT DO NOTHING`,
      [organizationId, id, [...tagIds]],
    );
  }

  /**
   * The organization's contact with this email (case-insensitive) or phone, locked, the email's
   * first: a flow's update of a session that has no contact yet (the handoff's rule).
   */
  async matchForUpdate(
    em: EntityManager,
    organizationId: OrganizationId,
    email: string | null,
    phone: string | null,
  ): Promise<ContactRow | null> {
    const [row] = await em.query<ContactRow[]>(
      `SELECT ${CONTACT_COLUMNS}, NULL AS cursor_micros FROM contacts c
        WHERE c.organization_id = $1 AND (lower(c.email) = lower($2) OR c.phone = $3)
        ORDER BY (lower(c.email) = lower($2)) DESC NULLS LAST LIMIT 1 FOR UPDATE OF c`,
      [organizationId, email, phone],
    );
    return row ?? null;
  }

  /**
   * Links the session and its conversation (same id) to the contact when they have none yet, and
   * marks the contact seen. Tables of other modules, by name (like merge).
   */
  async linkSession(em: EntityManager, organizationId: OrganizationId, sessionId: string, contactId: string) {
    await em.query(
      `UPDATE conversations SET contact_id = $3 WHERE organization_id = $1 AND id = $2 AND contact_id IS NULL`,
      [organizationId, sessionId, contactId],
    );
    await em.query(
      `UPDATE chat_sessions SET contact_id = $3 WHERE organization_id = $1 AND id = $2 AND contact_id IS NULL`,
      [organizationId, sessionId, contactId],
    );
    await em.query(
      `UPDATE contacts SET first_seen_at = COALESCE(first_seen_at, now()), last_seen_at = now(),
              source = COALESCE(source, 'chat')
        WHERE organization_id = $1 AND id = $2`,
      [organizationId, contactId],
    );
  }

  /** The contact holding an email (case-insensitive) or phone: the other side of a unique violation. */
  async holderOf(organizationId: OrganizationId, field: 'email' | 'phone', value: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ id: string }[]>(
      field === 'email'
        ? 'SELECT id FROM contacts WHERE organization_id = $1 AND lower(email) = lower($2)'
        : 'SELECT id FROM contacts WHERE organization_id = $1 AND phone = $2',
      [organizationId, value],
    );
    return row?.id ?? null;
  }

  async addConsent(
    organizationId: OrganizationId,
    contactId: string,
    consent: Omit<ConsentRow, 'id'>,
  ): Promise<ConsentRow | null> {
    return this.dataSource.transaction(async (em) => {
      const [locked] = await em.query<{ id: string }[]>(
        'SELECT id FROM contacts WHERE organization_id = $1 AND id = $2 FOR UPDATE',
        [organizationId, contactId],
      );
      if (!locked) return null;
      const id = newId();
      await em.query(
        `INSERT INTO contact_consents (id, organization_id, contact_id, channel, status, source, evidence, ip, user_agent,
                                       recorded_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          id,
          organizationId,
          contactId,
          consent.channel,
          consent.status,
          consent.source,
          consent.evidence,
          consent.ip,
          consent.user_agent,
          consent.recorded_at,
          consent.recorded_by,
        ],
      );
      await em.query(REFRESH_CONSENTS, [organizationId, contactId]);
      return { id, ...consent };
    });
  }

  async consents(organizationId: OrganizationId, contactId: string): Promise<ConsentRow[]> {
    return this.dataSource.query<ConsentRow[]>(
      `SELECT id, channel, status, source, evidence, ip, user_agent, recorded_at, recorded_by FROM contact_consents
        WHERE organization_id = $1 AND contact_id = $2 ORDER BY recorded_at DESC, id DESC LIMIT 1000`,
      [organizationId, contactId],
    );
  }

  /** Adds tags to the matching contacts (one statement); the number of tags added. */
  async bulkTag(filter: SqlFragment, tagIds: readonly string[]): Promise<{ matched: number; affected: number }> {
    const n = filter.params.length;
    const [row] = await this.dataSource.query<{ matched: number; affected: number }[]>(
      `WITH matched AS (SELECT c.id FROM contacts c WHERE ${filter.sql}),
            added AS (
              INSERT INTO contact_tags (organization_id, contact_id, tag_id)
              SELECT $1, m.id, t.id FROM matched m
                JOIN tags t ON t.organization_id = $1 AND t.id = ANY($${n + 1}::uuid[])
              ON CONFLICT DO NOTHING RETURNING 1)
       SELECT (SELECT count(*)::int FROM matched) AS matched, (SELECT count(*)::int FROM added) AS affected`,
      [...filter.params, [...tagIds]],
    );
    return row ?? { matched: 0, affected: 0 };
  }

  async bulkUntag(filter: SqlFragment, tagIds: readonly string[]): Promise<{ matched: number; affected: number }> {
    const n = filter.params.length;
    const [row] = await this.dataSource.query<{ matched: number; affected: number }[]>(
      `WITH matched AS (SELECT c.id FROM contacts c WHERE ${filter.sql}),
            removed AS (
              DELETE FROM contact_tags ct USING matched m
               WHERE ct.contact_id = m.id AND ct.organization_id = $1 AND ct.tag_id = ANY($${n + 1}::uuid[])
              RETURNING 1)
       SELECT (SELECT count(*)::int FROM matched) AS matched, (SELECT count(*)::int FROM removed) AS affected`,
      [...filter.params, [...tagIds]],
    );
    return row ?? { matched: 0, affected: 0 };
  }

  /**
   * Erases the matching contacts in one statement: every message of their conversations loses its
   * content (visitor, bot and agent lines alike: a bot's answer or an agent's reply may repeat what
   * the visitor said), their sessions go (with their variables, results, transcripts and turn logs),
   * their consents and tags go, the contacts go, and one audit row per contact records who, why and
   * how many rows — no personal data. Events in the outbox about those conversations, sessions or
   * contacts keep only their ids; users' notifications about those conversations lose their title
   * and body (they may name the contact). Conversations stay, without a contact, so reports still add up.
   */
  async erase(filter: SqlFragment, erasedBy: string | null, reason: string): Promise<ErasureRow[]> {
    const n = filter.params.length;
    return this.dataSource.query<ErasureRow[]>(
      `WITH target AS (SELECT c.id FROM contacts c WHERE ${filter.sql} FOR UPDATE),
            conv AS (SELECT v.id, v.session_id, v.contact_id FROM conversations v
                      WHERE v.organization_id = $1 AND v.contact_id IN (SELECT id FROM target)),
            sess AS (SELECT s.id, COALESCE(s.contact_id, cv.contact_id, cs.contact_id) AS contact_id
                       FROM chat_sessions s
                       LEFT JOIN conv cv ON cv.id = s.id
                       LEFT JOIN conv cs ON cs.session_id = s.id
                      WHERE s.organization_id = $1
                        AND (s.contact_id IN (SELECT id FROM target) OR cv.id IS NOT NULL OR cs.id IS NOT NULL)),
            msgs AS (UPDATE conversation_messages m
                        SET content = '{"erased": true}'::jsonb, text = NULL, response = NULL, client_message_id = NULL,
                            updated_at = now()
                       FROM conv WHERE m.conversation_id = conv.id
                     RETURNING conv.contact_id),
            logs AS (DELETE FROM session_turn_logs l USING sess WHERE l.session_id = sess.id RETURNING sess.contact_id),
            sessions AS (DELETE FROM chat_sessions s USING sess WHERE s.id = sess.id RETURNING sess.contact_id),
            consents AS (DELETE FROM contact_consents k USING target t WHERE k.contact_id = t.id RETURNING k.contact_id),
            tagged AS (DELETE FROM contact_tags ct USING target t WHERE ct.contact_id = t.id RETURNING ct.contact_id),
            events AS (UPDATE outbox_events e
                          SET data = jsonb_strip_nulls(jsonb_build_object('erased', true,
                                       'conversationId', e.data->'conversationId', 'sessionId', e.data->'sessionId'))
                         WHERE e.organization_id = $1
                           AND (e.data->>'conversationId' IN (SELECT id::text FROM conv)
                                OR e.data->>'sessionId' IN (SELECT id::text FROM sess)
                                OR e.data->>'contactId' IN (SELECT id::text FROM target))
                        RETURNING 1),
            notes AS (UPDATE notifications n
                         SET title = 'A conversation whose contact was erased', body = ''
                        FROM conv WHERE n.organization_id = $1 AND n.data->>'conversationId' = conv.id::text
                      RETURNING conv.contact_id),
            gone AS (DELETE FROM contacts c USING target t WHERE c.id = t.id RETURNING c.id, c.organization_id),
            counted AS (
              SELECT g.id, g.organization_id, jsonb_build_object(
                       'contacts', 1,
                       'conversation_messages', (SELECT count(*) FROM msgs WHERE msgs.contact_id = g.id),
                       'chat_sessions', (SELECT count(*) FROM sessions WHERE sessions.contact_id = g.id),
                       'session_turn_logs', (SELECT count(*) FROM logs WHERE logs.contact_id = g.id),
                       'contact_consents', (SELECT count(*) FROM consents WHERE consents.contact_id = g.id),
                       'contact_tags', (SELECT count(*) FROM tagged WHERE tagged.contact_id = g.id),
                       'notifications', (SELECT count(*) FROM notes WHERE notes.contact_id = g.id),
                       'outbox_events', (SELECT count(*) FROM events)) AS removed
                FROM gone g)
       INSERT INTO contact_erasures (id, organization_id, contact_id, reason, erased_by, erased_at, removed)
       SELECT gen_random_uuid(), organization_id, id, $${n + 1}, $${n + 2}, now(), removed FROM counted
       RETURNING id, contact_id, reason, removed, erased_at`,
      [...filter.params, reason, erasedBy],
    );
  }

  /**
   * Merges `source` into `target` (both locked, both of the organization): conversations, sessions
   * and consents move, tags are unioned, attributes merged (the target's win unless empty), the
   * target's empty name/email/phone taken from the source, scores and seen times combined, counts
   * recomputed, the source deleted. False when either is missing.
   */
  async merge(organizationId: OrganizationId, targetId: string, sourceId: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const rows = await em.query<
        {
          id: string;
          name: string | null;
          email: string | null;
          phone: string | null;
          attributes: Record<string, unknown>;
        }[]
      >(
        `SELECT id, name, email, phone, attributes FROM contacts
          WHERE organization_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
        [organizationId, [targetId, sourceId]],
      );
      const target = rows.find((r) => r.id === targetId);
      const source = rows.find((r) => r.id === sourceId);
      if (!target || !source) return false;
      const params = [organizationId, targetId, sourceId];
      await em.query('UPDATE conversations SET contact_id = $2 WHERE organization_id = $1 AND contact_id = $3', params);
      await em.query('UPDATE chat_sessions SET contact_id = $2 WHERE organization_id = $1 AND contact_id = $3', params);
      await em.query(
        `INSERT INTO contact_tags (organization_id, contact_id, tag_id, created_at)
         SELECT $1::uuid, $2::uuid, tag_id, created_at FROM contact_tags WHERE organization_id = $1 AND contact_id = $3
         ON CONFLICT DO NOTHING`,
        params,
      );
      await em.query(
        'UPDATE contact_consents SET contact_id = $2 WHERE organization_id = $1 AND contact_id = $3',
        params,
      );
      const [combined] = await em.query<
        {
          lead_score: number;
          blocked: boolean;
          first_seen_at: Date | null;
          last_seen_at: Date | null;
          created_at: Date;
        }[]
      >(
        `SELECT max(lead_score) AS lead_score, bool_or(blocked) AS blocked, min(first_seen_at) AS first_seen_at,
                max(last_seen_at) AS last_seen_at, min(created_at) AS created_at
           FROM contacts WHERE organization_id = $1 AND id IN ($2, $3)`,
        params,
      );
      await em.query('DELETE FROM contacts WHERE organization_id = $1 AND id = $2', [organizationId, sourceId]);
      const attributes = mergeAttributes(target.attributes, source.attributes);
      await em.query(
        `UPDATE contacts SET name = COALESCE(name, $3), email = COALESCE(email, $4), phone = COALESCE(phone, $5),
                attributes = $6::jsonb, lead_score = $7, blocked = $8, first_seen_at = $9, last_seen_at = $10,
                created_at = $11, updated_at = now(),
                conversation_count = (SELECT count(*) FROM conversations v WHERE v.contact_id = $2)
          WHERE organization_id = $1 AND id = $2`,
        [
          organizationId,
          targetId,
          source.name,
          source.email,
          source.phone,
          json(attributes),
          combined!.lead_score,
          combined!.blocked,
          combined!.first_seen_at,
          combined!.last_seen_at,
          combined!.created_at,
        ],
      );
      await em.query(REFRESH_CONSENTS, [organizationId, targetId]);
      return true;
    });
  }

  /**
   * The matching contacts in keyset batches (never the whole set in memory): for the CSV export.
   * Yields rows with `tag_names` (`; `-separated).
   */
  async *stream(filter: SqlFragment, batch = 500): AsyncGenerator<ContactRow & { tag_names: string }> {
    let after: { micros: string; id: string } | null = null;
    const n = filter.params.length;
    for (;;) {
      const keyset: string = after
        ? ` AND (c.created_at, c.id) < ('epoch'::timestamptz + $${n + 2}::bigint * interval '1 microsecond', $${n + 3}::uuid)`
        : '';
      const params: unknown[] = [...filter.params, batch, ...(after ? [after.micros, after.id] : [])];
      const rows: (ContactRow & { tag_names: string })[] = await this.dataSource.query(
        `SELECT ${CONTACT_COLUMNS}, (extract(epoch FROM c.created_at) * 1000000)::bigint::text AS cursor_micros,
                (SELECT string_agg(t.name, '; ' ORDER BY lower(t.name)) FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id
                  WHERE ct.contact_id = c.id) AS tag_names
           FROM contacts c WHERE ${filter.sql}${keyset}
          ORDER BY c.created_at DESC, c.id DESC LIMIT $${n + 1}`,
        params,
      );
      yield* rows;
      if (rows.length < batch) return;
      const last = rows[rows.length - 1]!;
      after = { micros: last.cursor_micros!, id: last.id };
    }
  }
}

const isEmpty = (value: unknown): boolean =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

/** The target's attributes win unless empty (null, '', []); the source fills the rest. */
export function mergeAttributes(
  target: Readonly<Record<string, unknown>>,
  source: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (!isEmpty(value)) merged[key] = value;
  for (const [key, value] of Object.entries(target)) if (!isEmpty(value) || !(key in merged)) merged[key] = value;
  return merged;
}
