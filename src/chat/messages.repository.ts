import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ConversationEntity, type ConversationStatus } from './entities/conversation.entity';
import type { MessageKind, SenderType } from './entities/conversation-message.entity';
import { ConversationMessageEntity } from './entities/conversation-message.entity';
import type { MessageView } from './message-view';

/** A stored message row with its sender's name (agents), as the views need it. */
interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  sender_type: SenderType;
  sender_id: string | null;
  sender_name: string | null;
  kind: MessageKind;
  content: unknown;
  text: string | null;
  client_message_id: string | null;
  status: MessageView['status'];
  created_at: Date;
}

const SELECT_MESSAGE = `SELECT m.id, m.conversation_id, m.seq, m.sender_type, m.sender_id, u.name AS sender_name, m.kind,
       m.content, m.text, m.client_message_id, m.status, m.created_at
  FROM conversation_messages m LEFT JOIN users u ON u.id = m.sender_id`;

export const messageViewOfRow = (r: MessageRow): MessageView => ({
  id: r.id,
  conversationId: r.conversation_id,
  seq: r.seq,
  sender: {
    type: r.sender_type,
    ...(r.sender_id ? { id: r.sender_id } : {}),
    ...(r.sender_name ? { name: r.sender_name } : {}),
  },
  kind: r.kind,
  content: r.content,
  text: r.text,
  clientMessageId: r.client_message_id,
  status: r.status,
  createdAt: r.created_at.toISOString(),
});

/** Where a conversation stands, read under its row lock before appending to it. */
export interface LockedConversation {
  readonly id: string;
  readonly organizationId: OrganizationId;
  readonly status: ConversationStatus;
  readonly lastSeq: number;
  readonly preview: boolean;
  readonly assigneeId: string | null;
  readonly departmentId: string | null;
}

/** Queries of the message history (chat-internal; other modules use `ConversationStore`). */
@Injectable()
export class MessagesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async lock(em: EntityManager, organizationId: OrganizationId, id: string): Promise<LockedConversation | null> {
    const row = await em
      .getRepository(ConversationEntity)
      .createQueryBuilder('c')
      .select(['c.id', 'c.organizationId', 'c.status', 'c.lastSeq', 'c.preview', 'c.assigneeId', 'c.departmentId'])
      .where('c.id = :id AND c.organizationId = :organizationId', { id, organizationId })
      .setLock('pessimistic_write')
      .getOne();
    return row;
  }

  async byClientMessageId(
    em: EntityManager,
    organizationId: OrganizationId,
    conversationId: string,
    senderType: SenderType,
    clientMessageId: string,
  ): Promise<{ view: MessageView; response: unknown } | null> {
    const [row] = await em.query<(MessageRow & { response: unknown })[]>(
      `${SELECT_MESSAGE.replace('m.created_at', 'm.created_at, m.response')}
        WHERE m.conversation_id = $1 AND m.organization_id = $2 AND m.sender_type = $3 AND m.client_message_id = $4`,
      [conversationId, organizationId, senderType, clientMessageId],
    );
    return row ? { view: messageViewOfRow(row), response: row.response } : null;
  }

  async insert(
    em: EntityManager,
    rows: readonly Omit<ConversationMessageEntity, 'updatedAt' | 'conversation' | 'status'>[],
  ): Promise<void> {
    if (rows.length === 0) return;
    await em
      .getRepository(ConversationMessageEntity)
      .insert(
        rows.map((r) => ({ ...r, updatedAt: r.createdAt })) as QueryDeepPartialEntity<ConversationMessageEntity>[],
      );
  }

  async updateConversation(
    em: EntityManager,
    organizationId: OrganizationId,
    id: string,
    patch: QueryDeepPartialEntity<ConversationEntity>,
  ): Promise<void> {
    await em.getRepository(ConversationEntity).update({ organizationId, id }, patch);
  }

  /** Messages after `afterSeq`, oldest first (notes only when `withNotes`); `limit` null: all of them. */
  async after(
    organizationId: OrganizationId,
    conversationId: string,
    afterSeq: number,
    limit: number | null,
    withNotes: boolean,
  ): Promise<MessageView[]> {
    const rows = await this.dataSource.query<MessageRow[]>(
      `${SELECT_MESSAGE}
        WHERE m.conversation_id = $1 AND m.organization_id = $2 AND m.seq > $3 ${withNotes ? '' : "AND m.kind <> 'note'"}
        ORDER BY m.seq LIMIT $4`,
      [conversationId, organizationId, afterSeq, limit],
    );
    return rows.map(messageViewOfRow);
  }

  /** The seq of a message of the conversation (a client's cursor), or undefined. */
  async seqOf(organizationId: OrganizationId, conversationId: string, messageId: string): Promise<number | undefined> {
    const [row] = await this.dataSource.query<{ seq: number }[]>(
      'SELECT seq FROM conversation_messages WHERE id = $1 AND conversation_id = $2 AND organization_id = $3',
      [messageId, conversationId, organizationId],
    );
    return row?.seq;
  }

  /**
   * What the visitor has not been shown of agents' messages and activity lines (after
   * `visitor_last_read_seq`), marking everything up to now as read by the visitor; for clients that
   * cannot be pushed to (Typebot's embed). Under the conversation's row lock.
   */
  async takeUnseenByVisitor(organizationId: OrganizationId, conversationId: string): Promise<MessageView[]> {
    return this.dataSource.transaction(async (em) => {
      const [conversation] = await em.query<{ seen: number; last_seq: number }[]>(
        `SELECT visitor_last_read_seq AS seen, last_seq FROM conversations
          WHERE id = $1 AND organization_id = $2 FOR UPDATE`,
        [conversationId, organizationId],
      );
      if (!conversation) return [];
      const rows = await em.query<MessageRow[]>(
        `${SELECT_MESSAGE}
          WHERE m.conversation_id = $1 AND m.seq > $2 AND m.sender_type IN ('agent', 'system') AND m.kind <> 'note'
          ORDER BY m.seq`,
        [conversationId, conversation.seen],
      );
      if (conversation.last_seq > conversation.seen) {
        await em.query('UPDATE conversations SET visitor_last_read_seq = $2 WHERE id = $1', [
          conversationId,
          conversation.last_seq,
        ]);
      }
      return rows.map(messageViewOfRow);
    });
  }
}
