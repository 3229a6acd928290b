import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index } from 'typeorm';
import type { FlowDocument } from '@/flows';
import { BaseEntity } from '@/database/base.entity';

/** An organization's private template (built-in templates live in code). */
@Entity('flow_templates')
@Index('ix_flow_templates_org', ['organizationId', 'id'])
export class FlowTemplateEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 2000, default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 64, default: 'custom' })
  category!: string;

  @Column({ type: 'jsonb' })
  flow!: FlowDocument;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;
}
