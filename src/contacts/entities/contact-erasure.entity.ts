import type { OrganizationId } from '@/access/organization-id';
import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';

/** The audit of one erasure: who, when, why and how many rows of what were removed — no personal data. */
@Entity('contact_erasures')
export class ContactErasureEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  /** The erased contact's id (the row is gone). */
  @Column({ type: 'uuid' })
  contactId!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  erasedBy!: string | null;

  @Column({ type: 'timestamptz' })
  erasedAt!: Date;

  /** Rows removed or scrubbed per table, e.g. `{ "conversation_messages": 12 }`. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  removed!: Record<string, number>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
