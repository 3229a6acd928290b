import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/** A WhatsApp Business number of an organization (Cloud API). Secrets are sealed (aad: the row id). */
@Entity('whatsapp_channels')
export class WhatsAppChannelEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 64 })
  phoneNumberId!: string;

  @Column({ type: 'varchar', length: 64 })
  businessAccountId!: string;

  @Column({ type: 'text' })
  accessTokenSealed!: string;

  @Column({ type: 'text' })
  appSecretSealed!: string;

  /** What Meta's verification request must bring (`hub.verify_token`); never returned. */
  @Column({ type: 'varchar', length: 256 })
  verifyToken!: string;

  /** The published chatbot that answers; null: messages go to the agents' inbox only. */
  @ForeignKey('chatbots', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  chatbotId!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  displayPhoneNumber!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  qualityRating!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  templatesSyncedAt!: Date | null;
}
