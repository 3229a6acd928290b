import { Column, Entity, ForeignKey, Index } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

/**
 * A sign-out whose access tokens must be refused until they expire, kept in PostgreSQL so it
 * survives Redis (which only caches the answer): a Keycloak session (`sessionId` = its `sid`), or
 * every token of a user issued up to `endedAt` (`sessionId` null, a logout naming only the user).
 * Local sessions need no row: their refresh-token family records `revoked_at`. Rows are pruned
 * once `expiresAt` has passed.
 */
@Entity('ended_sessions')
@Index('uq_ended_sessions_session', ['sessionId'], { unique: true, where: '"session_id" IS NOT NULL' })
@Index('ix_ended_sessions_user', ['userId', 'endedAt'], { where: '"session_id" IS NULL' })
@Index('ix_ended_sessions_expires', ['expiresAt'])
export class EndedSessionEntity extends BaseEntity {
  @Column({ type: 'text', nullable: true })
  sessionId!: string | null;

  // Another module's table: referenced by name, its entity stays private to that module.
  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'timestamptz' })
  endedAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
