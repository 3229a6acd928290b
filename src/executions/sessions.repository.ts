import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runPrepared } from '@/database/prepared-statement';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import type { Awaiting, LogStep } from './engine/engine-types';
import type { SessionState } from './engine/session-state';
import { newId } from '@/database/base.entity';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { insertOutboxEvents, outboxInsertCte, outboxRowsParam } from '@/events/outbox.sql';
import { isUniqueViolation } from '@/database/postgres-errors';
import {
  type BotTransition,
  conversationTurnCtes,
  INSERT_BOT_CONVERSATION,
  messagesParam,
} from '@/chat/conversation-store.sql';
import type { MessageView, NewMessage } from '@/chat/message-view';
import { ChatSessionEntity, type SessionResult, type SessionStatus } from './entities/chat-session.entity';

/** What one turn writes: the new state plus what it appends to the conversation and the log. */
export interface TurnWrite {
  readonly state: SessionState;
  readonly awaiting: Awaiting | null;
  readonly status: SessionStatus;
  readonly completed: boolean;
  /** The turn's messages, in order (the visitor's first, with its clientMessageId and the answer to a resend). */
  readonly messages: readonly NewMessage[];
  readonly log: readonly LogStep[];
  readonly result: SessionResult;
  readonly expiresAt: Date;
  /** The conversation's status change, and the department a handoff names. */
  readonly transition: BotTransition;
  readonly department: string | null;
  /** Domain events of the turn (besides `message.created`): written by the same statement, only if the turn is saved. */
  readonly events: readonly AnyDomainEvent[];
  /** Previews announce no messages. */
  readonly preview: boolean;
  /** When the turn's messages are stored. */
  readonly at: Date;
}

/** A saved turn: the turn number and the `seq` its first message got minus one. */
export interface SavedTurn {
  readonly turn: number;
  readonly baseSeq: number;
}

/** A session about to run a turn, and the visitor's message already stored with this clientMessageId, if any. */
export interface SessionForTurn {
  readonly session: ChatSessionEntity;
  readonly earlier: { readonly response: unknown; readonly message: MessageView } | undefined;
}

/** The index that makes a visitor's clientMessageId count once per conversation. */
const CLIENT_MESSAGE_INDEX = 'uq_conversation_messages_client_message';

export interface ResultFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly completed?: boolean;
}

@Injectable()
export class SessionsRepository {
  /** Names of the prepared turn statements, by text. */
  private readonly statementNames = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(ChatSessionEntity);
  }

  /** A session of the organization (the idle job: the organization comes from its payload). */
  find(organizationId: OrganizationId, id: string): Promise<ChatSessionEntity | null> {
    return this.repo.findOne({ where: { organizationId, id } });
  }

  /** By id alone: the visitor's session token (checked by the caller) is the capability. */
  findBySessionToken(id: string): Promise<ChatSessionEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /**
   * The session row and the stored answer of an earlier turn with this clientMessageId (a retry),
   * in one round trip. Null when there is no such session. By id alone: the session token is the
   * capability.
   */
  async findForTurnBySessionToken(id: string, clientMessageId: string): Promise<SessionForTurn | null> {
    const { entities, raw } = await this.repo
      .createQueryBuilder('s')
      .leftJoin(
        'conversation_messages',
        'm',
        "m.conversation_id = s.id AND m.sender_type = 'visitor' AND m.client_message_id = :clientMessageId",
        { clientMessageId },
      )
      .addSelect('m.id', 'm_id')
      .addSelect('m.seq', 'm_seq')
      .addSelect('m.content', 'm_content')
      .addSelect('m.text', 'm_text')
      .addSelect('m.status', 'm_status')
      .addSelect('m.created_at', 'm_created_at')
      .addSelect('m.response', 'm_response')
      .where('s.id = :id', { id })
      .getRawAndEntities<{
        m_id: string | null;
        m_seq: number;
        m_content: unknown;
        m_text: string | null;
        m_status: MessageView['status'];
        m_created_at: Date;
        m_response: unknown;
      }>();
    const [session] = entities;
    if (!session) return null;
    const row = raw[0];
    if (!row?.m_id) return { session, earlier: undefined };
    const message: MessageView = {
      id: row.m_id,
      conversationId: session.id,
      seq: row.m_seq,
      sender: { type: 'visitor' },
      kind: 'message',
      content: row.m_content,
      text: row.m_text,
      clientMessageId,
      status: row.m_status,
      createdAt: new Date(row.m_created_at).toISOString(),
    };
    return { session, earlier: { response: row.m_response, message } };
  }

  /**
   * Creates the session, its conversation (same id) with the first messages, the first turn's log
   * and the turn's events (one transaction).
   */
  async insert(
    organizationId: OrganizationId,
    fields: Omit<Partial<ChatSessionEntity>, 'organizationId'> & { id: string; chatbotId: string; turn: number },
    first: Pick<TurnWrite, 'messages' | 'log' | 'events' | 'transition' | 'department' | 'preview' | 'at'> & {
      /** The conversation's channel (`web` unless a channel integration starts the session) and contact. */
      readonly channel?: 'web' | 'whatsapp' | 'api';
      readonly contactId?: string | null;
    },
  ): Promise<void> {
    const session = { ...fields, organizationId };
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(ChatSessionEntity).insert(session as QueryDeepPartialEntity<ChatSessionEntity>);
      await em.query(INSERT_BOT_CONVERSATION(!first.preview), [
        session.id,
        organizationId,
        session.chatbotId,
        first.channel ?? 'web',
        first.preview,
        messagesParam(session.id, first.messages, session.turn, first.at),
        first.transition === 'open' ? 'open' : first.transition === 'resolved' ? 'resolved' : 'pending',
        first.department,
        first.contactId ?? null,
      ]);
      if (first.log.length > 0) {
        await em.query(
          `INSERT INTO session_turn_logs (id, session_id, organization_id, turn, steps, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, now(), now())`,
          [newId(), session.id, organizationId, session.turn, JSON.stringify(first.log)],
        );
      }
      await insertOutboxEvents(em, first.events);
    });
  }

  /**
   * Saves a turn if nobody saved one since `expectedTurn` (optimistic concurrency) and appends its
   * messages to the conversation and its steps to the log — one statement, whose cost does not grow
   * with the conversation. Undefined on a conflict: another turn saved first, or (unique index) the
   * visitor's clientMessageId is already stored; either way nothing was written. The turn's events
   * and one `message.created` per message go into the outbox by the same statement, only when the
   * update matched.
   */
  async saveTurn(
    organizationId: OrganizationId,
    id: string,
    expectedTurn: number,
    write: TurnWrite,
  ): Promise<SavedTurn | undefined> {
    const params: unknown[] = [];
    const p = (value: unknown): string => `$${params.push(value)}`;
    const update = `UPDATE chat_sessions
            SET state = ${p(JSON.stringify(write.state))}, awaiting = ${p(write.awaiting === null ? null : JSON.stringify(write.awaiting))},
                status = ${p(write.status)}, completed = ${p(write.completed)}, result = ${p(JSON.stringify(write.result))},
                expires_at = ${p(write.expiresAt)}, turn = turn + 1, updated_at = now(),
                -- Indexed: refreshed at most every 10 minutes, so most turns are HOT updates.
                last_activity_at = CASE WHEN last_activity_at < now() - interval '10 minutes'
                                        THEN now() ELSE last_activity_at END
          WHERE id = ${p(id)} AND turn = ${p(expectedTurn)} AND organization_id = ${p(organizationId)}
          RETURNING id, organization_id, turn`;
    const conversation = conversationTurnCtes({
      gate: 'updated',
      messages: p(messagesParam(id, write.messages, expectedTurn + 1, write.at)),
      count: write.messages.length,
      transition: p(write.transition),
      department: p(write.department),
      events: !write.preview,
    });
    const log =
      write.log.length > 0
        ? `, logged AS (
           INSERT INTO session_turn_logs (id, session_id, organization_id, turn, steps, created_at, updated_at)
           SELECT ${p(newId())}::uuid, id, organization_id, turn, ${p(JSON.stringify(write.log))}::jsonb, now(), now() FROM updated)`
        : '';
    const events = write.events.length > 0 ? `, ${outboxInsertCte('updated', p(outboxRowsParam(write.events)))}` : '';
    const text = `WITH updated AS (${update}), ${conversation}${log}${events}
         SELECT u.turn, (SELECT base FROM conv) AS base FROM updated u`;
    const rows = await this.prepared<{ turn: number; base: number }>(text, params).catch((error: unknown) => {
      if (isUniqueViolation(error) && (error as { constraint?: string }).constraint === CLIENT_MESSAGE_INDEX) {
        return [];
      }
      throw error;
    });
    const [row] = rows;
    return row ? { turn: row.turn, baseSeq: row.base } : undefined;
  }

  /**
   * Runs `text` as a named prepared statement: the turn's statement has a few shapes (message
   * count, log, events), each parsed and planned once per connection instead of at every turn.
   */
  private prepared<R>(text: string, values: unknown[]): Promise<R[]> {
    let name = this.statementNames.get(text);
    if (!name) {
      name = `parley_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      if (this.statementNames.size < 1_000) this.statementNames.set(text, name);
    }
    return runPrepared<R>(this.dataSource, name, text, values);
  }

  /** The execution log of a session of the organization, or undefined when there is none. */
  async log(organizationId: OrganizationId, sessionId: string): Promise<LogStep[] | undefined> {
    const rows = await this.dataSource.query<{ steps: LogStep[] | null }[]>(
      `SELECT l.steps FROM chat_sessions s LEFT JOIN session_turn_logs l ON l.session_id = s.id
        WHERE s.organization_id = $1 AND s.id = $2 ORDER BY l.turn`,
      [organizationId, sessionId],
    );
    return rows.length === 0 ? undefined : rows.flatMap((r) => r.steps ?? []);
  }

  /** Results of a chatbot (previews excluded), oldest first by id, filtered. */
  listResults(organizationId: OrganizationId, chatbotId: string, filter: ResultFilter, limit: number, cursor?: string) {
    const query = this.repo
      .createQueryBuilder('s')
      .select([
        's.id',
        's.createdAt',
        's.updatedAt',
        's.status',
        's.completed',
        's.result',
        's.versionNumber',
        's.awaiting',
        's.origin',
      ])
      .where('s.organizationId = :organizationId AND s.chatbotId = :chatbotId AND s.preview = false', {
        organizationId,
        chatbotId,
      })
      .orderBy('s.id', 'ASC')
      .take(limit + 1);
    if (cursor) query.andWhere('s.id > :cursor', { cursor });
    if (filter.from) query.andWhere('s.createdAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('s.createdAt < :to', { to: filter.to });
    if (filter.completed !== undefined) query.andWhere('s.completed = :completed', { completed: filter.completed });
    return query.getMany();
  }

  /** Erases sessions of a chatbot with their conversations (the history: messages, notes) and logs. */
  async deleteResults(organizationId: OrganizationId, chatbotId: string, ids: readonly string[]): Promise<number> {
    return this.dataSource.transaction(async (em) => {
      await em.query('DELETE FROM conversations WHERE organization_id = $1 AND chatbot_id = $2 AND id = ANY($3)', [
        organizationId,
        chatbotId,
        ids,
      ]);
      const [, affected] = await em.query<[unknown, number]>(
        'DELETE FROM chat_sessions WHERE organization_id = $1 AND chatbot_id = $2 AND id = ANY($3)',
        [organizationId, chatbotId, ids],
      );
      return affected ?? 0;
    });
  }

  /** Keeps a session alive while a human talks with its visitor (no bot turn pushes its expiry). */
  async extendExpiry(organizationId: OrganizationId, id: string, expiresAt: Date): Promise<void> {
    await this.dataSource.query(
      'UPDATE chat_sessions SET expires_at = GREATEST(expires_at, $3) WHERE id = $1 AND organization_id = $2',
      [id, organizationId, expiresAt],
    );
  }

  /** Starts, completions and where unfinished sessions stopped (the input they were waiting at). */
  async funnel(organizationId: OrganizationId, chatbotId: string, filter: ResultFilter) {
    const params: unknown[] = [organizationId, chatbotId, filter.from ?? null, filter.to ?? null];
    const where = `organization_id = $1 AND chatbot_id = $2 AND preview = false
      AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)`;
    const [totals] = await this.dataSource.query<{ starts: number; completions: number }[]>(
      `SELECT count(*)::int AS starts, count(*) FILTER (WHERE completed)::int AS completions
         FROM chat_sessions WHERE ${where}`,
      params,
    );
    const dropOff = await this.dataSource.query<{ block_id: string; sessions: number }[]>(
      `SELECT awaiting->>'blockId' AS block_id, count(*)::int AS sessions
         FROM chat_sessions WHERE ${where} AND NOT completed AND awaiting IS NOT NULL
        GROUP BY 1 ORDER BY 2 DESC`,
      params,
    );
    return {
      starts: totals?.starts ?? 0,
      completions: totals?.completions ?? 0,
      dropOff: dropOff.map((r) => ({ blockId: r.block_id, sessions: r.sessions })),
    };
  }

  /**
   * Deletes sessions idle since before `cutoff`, in batches; returns how many went. Platform-wide,
   * across every organization: the retention job (`prune-sessions`) is system work.
   */
  pruneBefore(cutoff: Date, batchSize = 1_000): Promise<number> {
    return this.deleteInBatches('last_activity_at < $1', [cutoff], batchSize);
  }

  /**
   * Deletes sessions that never got an answer (no input answered) idle since before `cutoff`, in
   * batches. Only sessions idle since `floor` are read, so a run scans recent rows only (older
   * ones go with the retention cutoff). Platform-wide, across every organization (system work).
   */
  pruneUnansweredBefore(cutoff: Date, floor: Date, batchSize = 1_000): Promise<number> {
    return this.deleteInBatches(
      `last_activity_at < $1 AND last_activity_at >= $2 AND result->'answers' = '{}'::jsonb`,
      [cutoff, floor],
      batchSize,
    );
  }

  /**
   * Deletes the sessions matching `where`, a batch per transaction. Their conversations go with
   * them when only the bot ever spoke in them (never answered by an agent); the others stay, with
   * their history, without a session.
   */
  private async deleteInBatches(where: string, params: unknown[], batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const count = await this.dataSource.transaction(async (em) => {
        const rows = await em.query<{ id: string }[]>(
          `SELECT id FROM chat_sessions WHERE ${where} LIMIT $${params.length + 1} FOR UPDATE SKIP LOCKED`,
          [...params, batchSize],
        );
        const ids = rows.map((r) => r.id);
        if (ids.length === 0) return 0;
        await em.query(
          `DELETE FROM conversations
            WHERE id = ANY($1) AND first_reply_at IS NULL AND assignee_id IS NULL AND status <> 'open'`,
          [ids],
        );
        await em.query('DELETE FROM chat_sessions WHERE id = ANY($1)', [ids]);
        return ids.length;
      });
      total += count;
      if (count < batchSize) return total;
    }
  }

  /**
   * Who a session belongs to (never changes), for the checks of the public chat routes. By id alone:
   * the session token is the capability; the organization id read from the row is proven.
   */
  async findOwnerBySessionToken(
    id: string,
  ): Promise<{ organizationId: OrganizationId; chatbotId: string; preview: boolean } | undefined> {
    const [row] = await this.dataSource.query<{ organization_id: string; chatbot_id: string; preview: boolean }[]>(
      'SELECT organization_id, chatbot_id, preview FROM chat_sessions WHERE id = $1',
      [id],
    );
    return row
      ? { organizationId: asOrganizationId(row.organization_id), chatbotId: row.chatbot_id, preview: row.preview }
      : undefined;
  }
}
