import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

export const assignmentStrategies = ['round_robin', 'least_busy'] as const;
export type AssignmentStrategy = (typeof assignmentStrategies)[number];

/** How an organization's handed-over conversations are assigned (a row only once changed). */
@Entity('chat_settings')
export class ChatSettingsEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 16, default: 'round_robin' })
  assignmentStrategy!: AssignmentStrategy;

  /** Open conversations an agent takes at most, unless `agent_capacities` says otherwise. */
  @Column({ type: 'integer', default: 5 })
  defaultCapacity!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** One agent's capacity in one organization. */
@Entity('agent_capacities')
export class AgentCapacityEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: OrganizationId;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'integer' })
  capacity!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** An answer agents insert by typing `/shortCode` (unique per organization, case-insensitive). */
@Entity('canned_responses')
export class CannedResponseEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 64 })
  shortCode!: string;

  @Column({ type: 'text' })
  content!: string;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;
}

/** The last message a participant (an agent) read in a conversation. */
@Entity('conversation_reads')
export class ConversationReadEntity {
  @PrimaryColumn({ type: 'uuid' })
  conversationId!: string;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'integer' })
  lastReadSeq!: number;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
