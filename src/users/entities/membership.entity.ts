import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { OrgRole } from '@/access/roles';
import { OrganizationEntity } from './organization.entity';
import { UserEntity } from './user.entity';

@Entity('memberships')
@Unique('uq_memberships_user_org', ['userId', 'organizationId'])
@Index('ix_memberships_org', ['organizationId', 'id'])
export class MembershipEntity extends BaseEntity {
  @Column({ type: 'uuid' })
  userId!: string;

  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 16 })
  role!: OrgRole;

  /** Where the membership came from: managed here, or synced from Keycloak on each sign-in. */
  @Column({ type: 'varchar', length: 16, default: 'local' })
  source!: 'local' | 'keycloak';

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'organization_id' })
  organization?: OrganizationEntity;
}
