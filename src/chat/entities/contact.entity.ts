import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/**
 * Someone a team talks to. One per organization per email (case-insensitive) and per phone
 * (partial unique indexes `uq_contacts_email`, `uq_contacts_phone`). The contacts module grows this.
 */
@Entity('contacts')
export class ContactEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 200, nullable: true })
  name!: string | null;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  /** E.164. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  attributes!: Record<string, unknown>;
}
