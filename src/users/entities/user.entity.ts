import { Column, Entity } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

export const availabilityStatuses = ['online', 'away', 'offline'] as const;
export type Availability = (typeof availabilityStatuses)[number];

@Entity('users')
export class UserEntity extends BaseEntity {
  /** Stored lower-cased; unique. */
  @Column({ type: 'varchar', length: 320, unique: true })
  email!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** argon2id hash; null for users who only sign in through SSO. */
  @Column({ type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash!: string | null;

  @Column({ type: 'boolean', default: false })
  emailVerified!: boolean;

  @Column({ type: 'boolean', default: false })
  superAdmin!: boolean;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  avatarUrl!: string | null;

  @Column({ type: 'varchar', length: 35, nullable: true })
  locale!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  timezone!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'offline' })
  availability!: Availability;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;
}
