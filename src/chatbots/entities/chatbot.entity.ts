import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index } from 'typeorm';
import type { FlowDocument } from '@/flows';
import { BaseEntity } from '@/database/base.entity';
import type { ChatbotSettings } from '../chatbot-settings';

export const chatbotStatuses = ['draft', 'published', 'archived'] as const;
export type ChatbotStatus = (typeof chatbotStatuses)[number];

@Entity('chatbots')
@Index('ix_chatbots_org', ['organizationId', 'id'])
@Index('ix_chatbots_org_status', ['organizationId', 'status', 'id'])
export class ChatbotEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  /** Stable public handle for embedding (`/bots/{publicId}`), unique across organizations. */
  @Column({ type: 'varchar', length: 32, unique: true })
  publicId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'draft' })
  status!: ChatbotStatus;

  @Column({ type: 'jsonb' })
  settings!: ChatbotSettings;

  /** Opaque to the API: the dashboard's theme for the widget. */
  @Column({ type: 'jsonb' })
  theme!: Record<string, unknown>;

  /** The draft being edited; published versions are frozen copies in `chatbot_versions`. */
  @Column({ type: 'jsonb' })
  draftFlow!: FlowDocument;

  /** Bumped on every draft save; clients send it back (If-Match) so no edit is silently lost. */
  @Column({ type: 'integer', default: 1 })
  draftRevision!: number;

  /** The version new sessions run (null until first published). */
  @Column({ type: 'integer', nullable: true })
  publishedVersion!: number | null;

  @Column({ type: 'integer', default: 0 })
  latestVersion!: number;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  updatedByUserId!: string | null;
}
