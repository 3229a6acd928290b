import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import { ConversationEntity } from './conversation.entity';

export const senderTypes = ['bot', 'visitor', 'agent', 'system'] as const;
export type SenderType = (typeof senderTypes)[number];

/** `note`: private to agents, never sent to the visitor; `activity`: "assigned to Ada" lines. */
export const messageKinds = ['message', 'note', 'activity'] as const;
export type MessageKind = (typeof messageKinds)[number];

export const deliveryStatuses = ['sent', 'delivered', 'read', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/**
 * One line of a conversation's history, numbered by `seq` within it: the bot's bubbles, the
 * visitor's replies, agents' messages and notes, activity lines. Append-only but for `status`.
 */
@Entity('conversation_messages')
@Unique('uq_conversation_messages_seq', ['conversationId', 'seq'])
@Index('uq_conversation_messages_client_message', ['conversationId', 'senderType', 'clientMessageId'], {
  unique: true,
  where: '"client_message_id" IS NOT NULL',
})
export class ConversationMessageEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'uuid' })
  conversationId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 16 })
  senderType!: SenderType;

  /** The agent (a user id) for agents' messages and notes. */
  @Column({ type: 'uuid', nullable: true })
  senderId!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'message' })
  kind!: MessageKind;

  /** Bot: the engine's message as sent; visitor: the reply payload; agent: `{ text }`; activity: `{ type, text, … }`. */
  @Column({ type: 'jsonb' })
  content!: unknown;

  /** Plain text, for lists, previews and notifications. */
  @Column({ type: 'text', nullable: true })
  text!: string | null;

  /** The sender's id for the message (unique per conversation and sender type): a resend is not stored twice. */
  @Column({ type: 'text', nullable: true })
  clientMessageId!: string | null;

  /** The answer given to `clientMessageId`, given again to a resend (the chat API's turn, for visitors). */
  @Column({ type: 'jsonb', nullable: true })
  response!: unknown;

  @Column({ type: 'varchar', length: 16, default: 'sent' })
  status!: DeliveryStatus;

  /** The bot session's turn that wrote it (null for agents' and system lines). */
  @Column({ type: 'integer', nullable: true })
  turn!: number | null;

  @ManyToOne(() => ConversationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'conversation_id' })
  conversation?: ConversationEntity;
}
