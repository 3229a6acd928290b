import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';
import type { OrgRole } from '@/access/roles';

@Entity('api_keys')
@Index('ix_api_keys_org', ['organizationId', 'id'])
export class ApiKeyEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  /** Read from the row: proven (see `OrganizationId`). */
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'varchar', length: 120 })
  name!: string;

  /** The visible start of the key (`pk_` + 8 chars), shown in lists; unique, used to find the key. */
  @Column({ type: 'varchar', length: 16, unique: true })
  prefix!: string;

  /** SHA-256 (hex) of the whole key. Keys are 256-bit random, so a fast hash is enough. */
  @Column({ type: 'varchar', length: 64, select: false })
  keyHash!: string;

  @Column({ type: 'varchar', length: 16 })
  role!: OrgRole;

  @Column({ type: 'uuid', nullable: true })
  createdByUserId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
