import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { Awaiting, LogStep } from '../engine/engine-types';
import type { SessionState } from '../engine/session-state';

export const sessionStatuses = ['active', 'completed', 'handoff', 'failed'] as const;
export type SessionStatus = (typeof sessionStatuses)[number];

/**
 * One line of a session's transcript as the visitor sees it (the conversation's history without
 * private notes): what the bot said, what the visitor answered, what agents wrote, activity lines.
 */
export interface TranscriptEntry {
  readonly id: string;
  readonly seq: number;
  readonly role: 'bot' | 'visitor' | 'agent' | 'system';
  readonly at: string;
  readonly blockId?: string;
  /** Agents: their name. */
  readonly name?: string;
  /** Bot: the message as sent; visitor: the reply payload; agent: `{ text }`; system: `{ type, text }`. */
  readonly content: unknown;
}

/** What a session collected: the "result" listed and exported per chatbot. */
export interface SessionResult {
  /** Variables marked "save in results", by variable name. */
  readonly variables: Record<string, unknown>;
  /** Answer per input block id. */
  readonly answers: Record<string, unknown>;
}

/**
 * A conversation of a visitor with a published chatbot version (or a draft, for previews).
 * Everything a turn needs is in this row; what a turn said goes into the conversation's history
 * (the conversation has the session's id) and what it did into `session_turn_logs`, so a turn is one
 * read and one write statement of constant size.
 */
@Entity('chat_sessions')
@Index('ix_chat_sessions_org_bot', ['organizationId', 'chatbotId', 'id'])
@Index('ix_chat_sessions_bot_created', ['chatbotId', 'createdAt'])
@Index('ix_chat_sessions_last_activity', ['lastActivityAt'])
export class ChatSessionEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('chatbots', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  chatbotId!: string;

  /** The published version run (null for a preview of the draft). */
  @Column({ type: 'uuid', nullable: true })
  versionId!: string | null;

  @Column({ type: 'integer', nullable: true })
  versionNumber!: number | null;

  @Column({ type: 'boolean', default: false })
  preview!: boolean;

  /** The draft flow a preview runs, frozen at its start. */
  @Column({ type: 'jsonb', nullable: true })
  previewFlow!: unknown;

  /** The session's contact (a channel's, a handoff's or an `updateContact` block's); null until known. */
  @ForeignKey('contacts', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  contactId!: string | null;

  /** Previews may skip effects with side effects (HTTP, OpenAI, email). */
  @Column({ type: 'boolean', default: true })
  runEffects!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'active' })
  status!: SessionStatus;

  @Column({ type: 'jsonb' })
  state!: SessionState;

  @Column({ type: 'jsonb', nullable: true })
  awaiting!: Awaiting | null;

  /** Increments every turn; idle jobs carry it to know whether the visitor answered since. */
  @Column({ type: 'integer', default: 0 })
  turn!: number;

  @Column({ type: 'jsonb' })
  result!: SessionResult;

  @Column({ type: 'boolean', default: false })
  completed!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastActivityAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** Where the visitor came from (Origin), for results. */
  @Column({ type: 'varchar', length: 512, nullable: true })
  origin!: string | null;
}

/** The engine's execution log of one turn (steps: block, outcome, timing, error). Append-only. */
@Entity('session_turn_logs')
@Unique('uq_session_turn_logs_turn', ['sessionId', 'turn'])
export class SessionTurnLogEntity extends BaseEntity {
  @Column({ type: 'uuid' })
  sessionId!: string;

  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'integer' })
  turn!: number;

  @Column({ type: 'jsonb' })
  steps!: LogStep[];

  @ManyToOne(() => ChatSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: ChatSessionEntity;
}
