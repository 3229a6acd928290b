import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/**
 * One refresh token. Tokens of one sign-in form a family (`familyId`, also the session id `sid` of
 * the access tokens it mints). Each use rotates: the token is marked used and a successor is issued.
 * Presenting a used token again means it leaked: the whole family is revoked (RFC 9700 §4.14).
 */
@Entity('refresh_tokens')
@Index('ix_refresh_tokens_family', ['familyId'])
@Index('ix_refresh_tokens_user', ['userId'])
export class RefreshTokenEntity extends BaseEntity {
  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'uuid' })
  familyId!: string;

  /** SHA-256 (hex) of the opaque token. */
  @Column({ type: 'varchar', length: 64, unique: true })
  tokenHash!: string;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  revokedReason!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;

  @Column({ type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;
}
