import type { OrganizationId } from '@/access/organization-id';
import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/** A label on contacts; the name is unique per organization, case-insensitive (`uq_tags_name`). */
@Entity('tags')
export class TagEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** `#rrggbb`. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  color!: string | null;
}

/** A contact has a tag (many-to-many; `ix_contact_tags_tag` serves tag filters). */
@Entity('contact_tags')
export class ContactTagEntity {
  @ForeignKey('contacts', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  contactId!: string;

  @ForeignKey('tags', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  tagId!: string;

  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
