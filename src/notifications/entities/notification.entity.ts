import { Column, CreateDateColumn, Entity, ForeignKey, PrimaryColumn } from 'typeorm';
import type { OrganizationId } from '@/access/organization-id';
import type { NotificationChannel } from '../notification-types';

/** One in-app notification of one user (inserted set-based by the `notify` job). */
@Entity('notifications')
export class NotificationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Null for user-level notifications (none today; password resets are emails only). */
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid', nullable: true })
  organizationId!: OrganizationId | null;

  @ForeignKey('users', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'varchar', length: 300 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'jsonb', default: {} })
  data!: Record<string, unknown>;

  /** The domain event it was made from (unique per user and type: redeliveries make no duplicate). */
  @Column({ type: 'uuid' })
  sourceEventId!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;
}

/** A user's choice for one type and channel in one organization (no row: the type's default). */
@Entity('notification_preferences')
export class NotificationPreferenceEntity {
  @ForeignKey('users', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @PrimaryColumn({ type: 'uuid' })
  organizationId!: OrganizationId;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  channel!: NotificationChannel;

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
