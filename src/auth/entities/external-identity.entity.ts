import { Column, Entity, ForeignKey, Index, Unique } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/** Links an SSO account (issuer + subject) to a Parley user. Never linked by email alone. */
@Entity('external_identities')
@Unique('uq_external_identities_issuer_subject', ['issuer', 'subject'])
@Index('ix_external_identities_user', ['userId'])
export class ExternalIdentityEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 512 })
  issuer!: string;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastSeenAt!: Date | null;
}
