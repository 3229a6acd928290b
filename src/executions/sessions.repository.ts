import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { asOrganizationId, type OrganizationId } from '@/access/organization-id';
import type { Awaiting, LogStep } from './engine/engine-types';
import type { SessionState } from './engine/session-state';
import { newId } from '@/database/base.entity';
import type { AnyDomainEvent } from '@/events/event-catalogue';
import { insertOutboxEvents, outboxInsertCte, outboxRowsParam } from '@/events/outbox.sql';
import { isUniqueViolation } from '@/database/postgres-errors';
import {
  ChatSessionEntity,
  ChatSessionTurnEntity,
  type SessionResult,
  type SessionStatus,
  type TranscriptEntry,
} from './entities/chat-session.entity';

/** What one turn writes: the new state plus what it appends to the transcript and the log. */
export interface TurnWrite {
  readonly state: SessionState;
  readonly awaiting: Awaiting | null;
  readonly status: SessionStatus;
  readonly completed: boolean;
  readonly transcript: readonly TranscriptEntry[];
  readonly log: readonly LogStep[];
  readonly result: SessionResult;
  readonly expiresAt: Date;
  /** The visitor's message id (null for idle turns) and the answer to give a retry of it. */
  readonly clientMessageId: string | null;
  readonly response: unknown;
  /** Domain events of the turn: written by the same statement, only if the turn is saved. */
  readonly events: readonly AnyDomainEvent[];
}

/** A session about to run a turn, and the answer already given to this clientMessageId, if any. */
export interface SessionForTurn {
  readonly session: ChatSessionEntity;
  readonly earlierResponse: unknown;
}

/** The index that makes a clientMessageId count once per session. */
const CLIENT_MESSAGE_INDEX = 'uq_chat_session_turns_client_message';

export interface ResultFilter {
  readonly from?: Date;
  readonly to?: Date;
  readonly completed?: boolean;
}

@Injectable()
export class SessionsRepository {
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
      .leftJoin(ChatSessionTurnEntity, 't', 't.sessionId = s.id AND t.clientMessageId = :clientMessageId', {
        clientMessageId,
      })
      .addSelect('t.response', 'earlier_response')
      .where('s.id = :id', { id })
      .getRawAndEntities<{ earlier_response: unknown }>();
    const [session] = entities;
    return session ? { session, earlierResponse: raw[0]?.earlier_response ?? undefined } : null;
  }

  /** Creates the session with its first turn and the turn's events (one transaction). */
  async insert(
    organizationId: OrganizationId,
    fields: Omit<Partial<ChatSessionEntity>, 'organizationId'>,
    first: Pick<TurnWrite, 'transcript' | 'log' | 'events'>,
  ): Promise<void> {
    const session = { ...fields, organizationId };
    await this.dataSource.transaction(async (em) => {
      await em.getRepository(ChatSessionEntity).insert(session as QueryDeepPartialEntity<ChatSessionEntity>);
      await em.getRepository(ChatSessionTurnEntity).insert({
        sessionId: session.id,
        organizationId,
        turn: session.turn,
        transcript: first.transcript,
        log: first.log,
      } as unknown as QueryDeepPartialEntity<ChatSessionTurnEntity>);
      await insertOutboxEvents(em, first.events);
    });
  }

  /**
   * Saves a turn if nobody saved one since `expectedTurn` (optimistic concurrency) and appends
   * what it said and did to `chat_session_turns` — one statement, whose cost does not grow with
   * the conversation. False on a conflict: another turn saved first, or (unique index) a turn with
   * the same clientMessageId did; either way nothing was written. The turn's events, if any, are
   * inserted into the outbox by the same statement, only when the update matched (a turn without
   * events does not touch the outbox).
   */
  async saveTurn(organizationId: OrganizationId, id: string, expectedTurn: number, write: TurnWrite): Promise<boolean> {
    const events = write.events.length > 0 ? `, ${outboxInsertCte('updated', '$15')}` : '';
    const rows = await this.dataSource
      .query<unknown[]>(
        `WITH updated AS (
         UPDATE chat_sessions
            SET state = $3, awaiting = $4, status = $5, completed = $6, result = $7,
                expires_at = $8, turn = turn + 1, updated_at = now(),
                -- Indexed: refreshed at most every 10 minutes, so most turns are HOT updates.
                last_activity_at = CASE WHEN last_activity_at < now() - interval '10 minutes'
                                        THEN now() ELSE last_activity_at END
          WHERE id = $1 AND turn = $2 AND organization_id = $14
          RETURNING id, organization_id, turn)${events}
       INSERT INTO chat_session_turns
              (id, session_id, organization_id, turn, transcript, log, client_message_id, response, created_at, updated_at)
       SELECT $9, id, organization_id, turn, $10, $11, $12, $13, now(), now() FROM updated
       RETURNING turn`,
        [
          id,
          expectedTurn,
          JSON.stringify(write.state),
          write.awaiting === null ? null : JSON.stringify(write.awaiting),
          write.status,
          write.completed,
          JSON.stringify(write.result),
          write.expiresAt,
          newId(),
          JSON.stringify(write.transcript),
          JSON.stringify(write.log),
          write.clientMessageId,
          write.response === undefined ? null : JSON.stringify(write.response),
          organizationId,
          ...(events ? [outboxRowsParam(write.events)] : []),
        ],
      )
      .catch((error: unknown) => {
        if (isUniqueViolation(error) && (error as { constraint?: string }).constraint === CLIENT_MESSAGE_INDEX) {
          return [];
        }
        throw error;
      });
    return rows.length === 1;
  }

  /** The whole transcript of a session of the organization, turn after turn. */
  async transcript(organizationId: OrganizationId, sessionId: string): Promise<TranscriptEntry[]> {
    const rows = await this.dataSource.query<{ transcript: TranscriptEntry[] }[]>(
      'SELECT transcript FROM chat_session_turns WHERE session_id = $1 AND organization_id = $2 ORDER BY turn',
      [sessionId, organizationId],
    );
    return rows.flatMap((r) => r.transcript);
  }

  /** The execution log of a session of the organization, or undefined when there is none. */
  async log(organizationId: OrganizationId, sessionId: string): Promise<LogStep[] | undefined> {
    const rows = await this.dataSource.query<{ log: LogStep[] | null }[]>(
      `SELECT t.log FROM chat_sessions s LEFT JOIN chat_session_turns t ON t.session_id = s.id
        WHERE s.organization_id = $1 AND s.id = $2 ORDER BY t.turn`,
      [organizationId, sessionId],
    );
    return rows.length === 0 ? undefined : rows.flatMap((r) => r.log ?? []);
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

  async deleteResults(organizationId: OrganizationId, chatbotId: string, ids: readonly string[]): Promise<number> {
    const result = await this.repo
      .createQueryBuilder()
      .delete()
      .where('organization_id = :organizationId AND chatbot_id = :chatbotId AND id = ANY(:ids)', {
        organizationId,
        chatbotId,
        ids,
      })
      .execute();
    return result.affected ?? 0;
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
    return this.deleteInBatches(
      `DELETE FROM chat_sessions WHERE id IN (
         SELECT id FROM chat_sessions WHERE last_activity_at < $1 LIMIT $2)`,
      [cutoff],
      batchSize,
    );
  }

  /**
   * Deletes sessions that never got an answer (no input answered) idle since before `cutoff`, in
   * batches. Only sessions idle since `floor` are read, so a run scans recent rows only (older
   * ones go with the retention cutoff). Platform-wide, across every organization (system work).
   */
  pruneUnansweredBefore(cutoff: Date, floor: Date, batchSize = 1_000): Promise<number> {
    return this.deleteInBatches(
      `DELETE FROM chat_sessions WHERE id IN (
         SELECT id FROM chat_sessions
          WHERE last_activity_at < $1 AND last_activity_at >= $2 AND result->'answers' = '{}'::jsonb
          LIMIT $3)`,
      [cutoff, floor],
      batchSize,
    );
  }

  private async deleteInBatches(sql: string, params: unknown[], batchSize: number): Promise<number> {
    let total = 0;
    for (;;) {
      const rows = await this.dataSource.query<unknown[]>(sql, [...params, batchSize]);
      const count = (rows as unknown as [unknown, number])[1] ?? 0;
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
