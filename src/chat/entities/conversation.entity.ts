import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

export const conversationChannels = ['web', 'whatsapp', 'api'] as const;
export type ConversationChannel = (typeof conversationChannels)[number];

/** `pending` while a bot owns it, `open` after handoff, then `resolved` or `snoozed` (until a time). */
export const conversationStatuses = ['pending', 'open', 'resolved', 'snoozed'] as const;
export type ConversationStatus = (typeof conversationStatuses)[number];

export const conversationPriorities = ['none', 'low', 'medium', 'high', 'urgent'] as const;
export type ConversationPriority = (typeof conversationPriorities)[number];

/**
 * A conversation with a contact on one channel. A bot session's conversation has the session's id
 * (1:1, `sessionId` too until the session is pruned). `lastSeq` numbers its messages.
 */
@Entity('conversations')
@Index('ix_conversations_org_status', ['organizationId', 'status', 'lastMessageAt', 'id'])
export class ConversationEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 16, default: 'web' })
  channel!: ConversationChannel;

  @Column({ type: 'uuid', nullable: true })
  contactId!: string | null;

  @ForeignKey('chat_sessions', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true, unique: true })
  sessionId!: string | null;

  @ForeignKey('chatbots', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  chatbotId!: string | null;

  /** An editor's preview of a draft: never in the inbox, never handed to an agent. */
  @Column({ type: 'boolean', default: false })
  preview!: boolean;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: ConversationStatus;

  @Column({ type: 'timestamptz', nullable: true })
  snoozedUntil!: Date | null;

  @Column({ type: 'varchar', length: 16, default: 'none' })
  priority!: ConversationPriority;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ForeignKey('departments', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  departmentId!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  labels!: string[];

  /** The `seq` of the last message (messages are numbered 1, 2, 3… per conversation). */
  @Column({ type: 'integer', default: 0 })
  lastSeq!: number;

  @Column({ type: 'integer', default: 0 })
  visitorLastReadSeq!: number;

  /** When an agent first answered after the handoff. */
  @Column({ type: 'timestamptz', nullable: true })
  firstReplyAt!: Date | null;

  /** Since when the contact waits for an agent's answer (null when nobody waits). */
  @Column({ type: 'timestamptz', nullable: true })
  waitingSince!: Date | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastMessageAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;
}
