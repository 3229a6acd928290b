import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConversationEntity, type ConversationChannel, type ConversationStatus } from './entities/conversation.entity';
import type { SenderType } from './entities/conversation-message.entity';

/** Filters of the inbox list (all optional, combined with AND). */
export interface ConversationFilters {
  readonly statuses?: readonly ConversationStatus[];
  readonly assigneeId?: string;
  readonly departmentId?: string;
  readonly unassigned?: boolean;
  readonly label?: string;
  readonly chatbotId?: string;
  readonly channel?: ConversationChannel;
}

/** Where a page starts: after this (last_message_at in microseconds since the epoch, id). */
export interface ConversationCursor {
  readonly atMicros: string;
  readonly id: string;
}

/** One conversation as lists and views show it, with its joins (one query per page). */
export interface ConversationRow {
  id: string;
  organization_id: OrganizationId;
  channel: ConversationChannel;
  status: ConversationStatus;
  priority: string;
  labels: string[];
  chatbot_id: string | null;
  session_id: string | null;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  assignee_id: string | null;
  assignee_name: string | null;
  department_id: string | null;
  department_name: string | null;
  snoozed_until: Date | null;
  first_reply_at: Date | null;
  waiting_since: Date | null;
  resolved_at: Date | null;
  last_message_at: Date;
  last_seq: number;
  created_at: Date;
  last_message_id: string | null;
  last_message_text: string | null;
  last_message_sender: SenderType | null;
  last_message_created_at: Date | null;
  unread_count: number;
  cursor_micros: string;
}

/**
 * `$1` organization, `$2` the caller (user id or null). The last message is the last of kind
 * `message` (not notes or activity lines); unread counts messages after the caller's read marker
 * that are neither activity lines nor the caller's own. Both are LATERAL lookups on
 * `uq_conversation_messages_seq` (conversation_id, seq): no query per row.
 */
const SELECT_CONVERSATIONS = `
  SELECT c.id, c.organization_id, c.channel, c.status, c.priority, c.labels, c.chatbot_id, c.session_id,
         c.contact_id, ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone,
         c.assignee_id, u.name AS assignee_name, c.department_id, d.name AS department_name,
         c.snoozed_until, c.first_reply_at, c.waiting_since, c.resolved_at, c.last_message_at, c.last_seq, c.created_at,
         lm.id AS last_message_id, lm.text AS last_message_text, lm.sender_type AS last_message_sender,
         lm.created_at AS last_message_created_at,
         COALESCE(ur.n, 0) AS unread_count,
         (extract(epoch FROM c.last_message_at) * 1000000)::bigint::text
           AS cursor_micros
    FROM conversations c
    LEFT JOIN contacts ct ON ct.id = c.contact_id AND ct.organization_id = c.organization_id
    LEFT JOIN users u ON u.id = c.assignee_id
    LEFT JOIN departments d ON d.id = c.department_id AND d.organization_id = c.organization_id
    LEFT JOIN LATERAL (
      SELECT m.id, m.text, m.sender_type, m.created_at FROM conversation_messages m
       WHERE m.conversation_id = c.id AND m.kind = 'message'
       ORDER BY m.seq DESC LIMIT 1) lm ON true
    LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = $2::uuid
    LEFT JOIN LATERAL (
      SELECT count(*)::int AS n FROM conversation_messages m
       WHERE $2::uuid IS NOT NULL AND m.conversation_id = c.id AND m.seq > COALESCE(r.last_read_seq, 0)
         AND m.kind <> 'activity' AND NOT (m.sender_type = 'agent' AND m.sender_id IS NOT DISTINCT FROM $2::uuid)) ur
      ON true`;

/** `timestamptz 'epoch' + n µs`: exact, unlike a float of seconds. */
const AT_MICROS = (param: string) => `(timestamptz 'epoch' + ${param}::bigint * interval '1 microsecond')`;

/** Conversations as the inbox reads and changes them (chat-internal). */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async list(
    organizationId: OrganizationId,
    callerId: string | null,
    filters: ConversationFilters,
    limit: number,
    cursor?: ConversationCursor,
  ): Promise<ConversationRow[]> {
    const params: unknown[] = [organizationId, callerId];
    const where = ['c.organization_id = $1', 'c.preview = false'];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filters.statuses?.length) add((p) => `c.status = ANY(${p}::varchar[])`, filters.statuses);
    if (filters.assigneeId) add((p) => `c.assignee_id = ${p}::uuid`, filters.assigneeId);
    if (filters.unassigned) where.push('c.assignee_id IS NULL');
    if (filters.departmentId) add((p) => `c.department_id = ${p}::uuid`, filters.departmentId);
    if (filters.label) add((p) => `c.labels @> ARRAY[${p}::text]`, filters.label);
    if (filters.chatbotId) add((p) => `c.chatbot_id = ${p}::uuid`, filters.chatbotId);
    if (filters.channel) add((p) => `c.channel = ${p}`, filters.channel);
    if (cursor) {
      params.push(cursor.atMicros, cursor.id);
      where.push(`(c.last_message_at, c.id) < (${AT_MICROS(`$${params.length - 1}`)}, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    return this.dataSource.query<ConversationRow[]>(
      `${SELECT_CONVERSATIONS} WHERE ${where.join(' AND ')}
        ORDER BY c.last_message_at DESC, c.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async find(organizationId: OrganizationId, callerId: string | null, id: string): Promise<ConversationRow | null> {
    const [row] = await this.dataSource.query<ConversationRow[]>(
      `${SELECT_CONVERSATIONS} WHERE c.organization_id = $1 AND c.id = $3 AND c.preview = false`,
      [organizationId, callerId, id],
    );
    return row ?? null;
  }

  /** The conversation under its row lock (previews are not agents' business: null). */
  lock(em: EntityManager, organizationId: OrganizationId, id: string): Promise<ConversationEntity | null> {
    return em
      .getRepository(ConversationEntity)
      .createQueryBuilder('c')
      .where('c.id = :id AND c.organizationId = :organizationId AND c.preview = false', { id, organizationId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async update(
    em: EntityManager,
    organizationId: OrganizationId,
    id: string,
    patch: QueryDeepPartialEntity<ConversationEntity>,
  ): Promise<void> {
    await em.getRepository(ConversationEntity).update({ organizationId, id }, patch);
  }

  /**
   * For a WhatsApp conversation: whether the contact wrote within the last 24 hours (Meta's
   * customer-service window, outside which only templates may be sent). Reads the WhatsApp
   * channel's table by name (`whatsapp_conversations.last_inbound_at`); true when it has no row.
   */
  async whatsAppWindowOpen(organizationId: OrganizationId, conversationId: string): Promise<boolean> {
    const [row] = await this.dataSource.query<{ open: boolean }[]>(
      `SELECT last_inbound_at > now() - interval '24 hours' AS open FROM whatsapp_conversations
        WHERE organization_id = $1 AND conversation_id = $2`,
      [organizationId, conversationId],
    );
    return row?.open ?? true;
  }

  async userName(userId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ name: string }[]>('SELECT name FROM users WHERE id = $1', [userId]);
    return row?.name ?? null;
  }

  /** Whether the user is an agent or admin of the organization (who may be assigned conversations). */
  async isAgent(organizationId: OrganizationId, userId: string, em: EntityManager = this.dataSource.manager) {
    const rows = await em.query<unknown[]>(
      `SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.organization_id = $1 AND m.user_id = $2 AND m.role IN ('agent', 'org_admin') AND u.disabled_at IS NULL`,
      [organizationId, userId],
    );
    return rows.length > 0;
  }

  /** How many of `userIds` (distinct) are members of the organization. */
  async countMembers(organizationId: OrganizationId, userIds: readonly string[]): Promise<number> {
    const [row] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM memberships WHERE organization_id = $1 AND user_id = ANY($2::uuid[])`,
      [organizationId, [...new Set(userIds)]],
    );
    return row?.count ?? 0;
  }

  async departmentExists(em: EntityManager, organizationId: OrganizationId, id: string): Promise<boolean> {
    const rows = await em.query<unknown[]>('SELECT 1 FROM departments WHERE organization_id = $1 AND id = $2', [
      organizationId,
      id,
    ]);
    return rows.length > 0;
  }

  /** Moves the caller's read marker forward (never back); returns where it stands. */
  async markRead(organizationId: OrganizationId, conversationId: string, userId: string, seq: number): Promise<number> {
    const [row] = await this.dataSource.query<{ last_read_seq: number }[]>(
      // Delivery status: what the visitor wrote up to there is read (by an agent).
      `WITH marked AS (UPDATE conversation_messages SET status = 'read', updated_at = now()
                        WHERE conversation_id = $1 AND organization_id = $3 AND seq <= $4
                          AND sender_type = 'visitor' AND status <> 'read')
       INSERT INTO conversation_reads (conversation_id, user_id, organization_id, last_read_seq, updated_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (conversation_id, user_id)
       DO UPDATE SET last_read_seq = GREATEST(conversation_reads.last_read_seq, EXCLUDED.last_read_seq), updated_at = now()
       RETURNING last_read_seq`,
      [conversationId, userId, organizationId, seq],
    );
    return row?.last_read_seq ?? seq;
  }

  /** Unread messages (same rule as `unread_count`) in the conversations assigned to the user, by status. */
  async unreadByStatus(
    organizationId: OrganizationId,
    userId: string,
  ): Promise<{ status: ConversationStatus; messages: number; conversations: number }[]> {
    return this.dataSource.query(
      `SELECT c.status, COALESCE(sum(ur.n), 0)::int AS messages, count(*) FILTER (WHERE ur.n > 0)::int AS conversations
         FROM conversations c
         LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = $2
         CROSS JOIN LATERAL (
           SELECT count(*)::int AS n FROM conversation_messages m
            WHERE m.conversation_id = c.id AND m.seq > COALESCE(r.last_read_seq, 0)
              AND m.kind <> 'activity' AND NOT (m.sender_type = 'agent' AND m.sender_id = $2)) ur
        WHERE c.organization_id = $1 AND c.assignee_id = $2 AND c.preview = false
        GROUP BY c.status`,
      [organizationId, userId],
    );
  }

  /** Snoozed conversations whose time has come, across organizations (the periodic sweep). */
  dueSnoozedAcrossOrganizations(limit: number): Promise<{ id: string; organization_id: OrganizationId }[]> {
    return this.dataSource.query(
      `SELECT id, organization_id FROM conversations
        WHERE status = 'snoozed' AND snoozed_until <= now() ORDER BY snoozed_until LIMIT $1`,
      [limit],
    );
  }
}
