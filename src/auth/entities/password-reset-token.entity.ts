import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

@Entity('password_reset_tokens')
@Index('ix_password_reset_tokens_user', ['userId'])
export class PasswordResetTokenEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
