import type { OrganizationId } from '@/access/organization-id';
import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * An organization's contact settings (a row only once changed): its ordered lifecycle stages, the
 * stage of a new contact, the country a phone number without `+` is read in (ISO 3166 alpha-2).
 */
@Entity('contact_settings')
export class ContactSettingsEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'text', array: true })
  lifecycleStages!: string[];

  @Column({ type: 'varchar', length: 32, default: 'lead' })
  defaultLifecycleStage!: string;

  @Column({ type: 'varchar', length: 2, nullable: true })
  defaultCountry!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
