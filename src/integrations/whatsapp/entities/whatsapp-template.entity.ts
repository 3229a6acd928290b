import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/** A message template of a channel's business account, as last synced from the Graph API. */
@Entity('whatsapp_templates')
export class WhatsAppTemplateEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @ForeignKey('whatsapp_channels', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  channelId!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  metaId!: string | null;

  @Column({ type: 'varchar', length: 512 })
  name!: string;

  @Column({ type: 'varchar', length: 16 })
  language!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  category!: string | null;

  @Column({ type: 'varchar', length: 32 })
  status!: string;

  @Column({ type: 'jsonb', default: [] })
  components!: unknown[];

  /** The placeholders of each component (`{{1}}`, `{{name}}`), for campaigns. */
  @Column({ type: 'jsonb', default: [] })
  variables!: { component: string; names: string[] }[];
}
