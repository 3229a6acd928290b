import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import type { FlowDocument } from '@/flows';
import { BaseEntity } from '@/database/base.entity';
import type { ChatbotSettings } from '../chatbot-settings';
import { ChatbotEntity } from './chatbot.entity';

/** An immutable, numbered snapshot of a chatbot's flow and settings. Sessions run a version. */
@Entity('chatbot_versions')
@Unique('uq_chatbot_versions_number', ['chatbotId', 'version'])
@Index('ix_chatbot_versions_org', ['organizationId', 'chatbotId'])
export class ChatbotVersionEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'uuid' })
  chatbotId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb' })
  flow!: FlowDocument;

  @Column({ type: 'jsonb' })
  settings!: ChatbotSettings;

  /** The draft revision it was published from. */
  @Column({ type: 'integer', nullable: true })
  draftRevision!: number | null;

  /** Set when this version re-publishes an older one (rollback). */
  @Column({ type: 'integer', nullable: true })
  rolledBackFrom!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @Column({ type: 'uuid', nullable: true })
  publishedByUserId!: string | null;

  @ManyToOne(() => ChatbotEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chatbot_id' })
  chatbot?: ChatbotEntity;
}
