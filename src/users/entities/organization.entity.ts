import { Column, Entity } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

@Entity('organizations')
export class OrganizationEntity extends BaseEntity {
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** URL-safe unique handle; also what Keycloak's organization claim and `/orgs/<slug>/…` groups name. */
  @Column({ type: 'varchar', length: 64, unique: true })
  slug!: string;

  @Column({ type: 'timestamptz', nullable: true })
  suspendedAt!: Date | null;
}
