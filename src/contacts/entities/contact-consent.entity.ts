import type { OrganizationId } from '@/access/organization-id';
import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import type { ConsentChannel, ConsentStatus } from './contact.entity';

/**
 * One consent given or withdrawn (evidence: append-only, never updated; a merge moves rows to the
 * target contact, an erasure deletes them). The contact's current consent per channel is the
 * latest row, copied to `contacts.consents`.
 */
@Entity('contact_consents')
export class ContactConsentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @ForeignKey('contacts', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  contactId!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: ConsentChannel;

  @Column({ type: 'varchar', length: 16 })
  status!: ConsentStatus;

  /** How it was given: `form`, `import`, `api`, `chat`, … */
  @Column({ type: 'varchar', length: 64 })
  source!: string;

  /** What the contact agreed to or said (the wording, a reference). */
  @Column({ type: 'text', nullable: true })
  evidence!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'timestamptz' })
  recordedAt!: Date;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  recordedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
