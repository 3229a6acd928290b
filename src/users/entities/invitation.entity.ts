import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { OrgRole } from '@/access/roles';
import { OrganizationEntity } from './organization.entity';

@Entity('invitations')
@Index('ix_invitations_org', ['organizationId', 'id'])
export class InvitationEntity extends BaseEntity {
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  /** Lower-cased. */
  @Column({ type: 'varchar', length: 320 })
  email!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OrgRole;

  /** SHA-256 of the token sent to the invitee; the token itself is never stored. */
  @Column({ type: 'varchar', length: 64, unique: true, select: false })
  tokenHash!: string;

  @Column({ type: 'uuid', nullable: true })
  invitedByUserId!: string | null;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  acceptedByUserId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
}
