import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import type { FlowDocument } from '@/flows';
import { BaseEntity } from '@/database/base.entity';
import { OrganizationEntity } from '@/users/entities/organization.entity';

/** An organization's private template (built-in templates live in code). */
@Entity('flow_templates')
@Index('ix_flow_templates_org', ['organizationId', 'id'])
export class FlowTemplateEntity extends BaseEntity {
  @Column({ type: 'uuid' })
  organizationId!: string;

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

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
}
