import type { OrganizationId } from '@/access/organization-id';
import { Column, Entity, ForeignKey } from 'typeorm';
import { BaseEntity } from '@/database/base.entity';

export const webhookDeliveryStatuses = ['pending', 'retrying', 'succeeded', 'failed'] as const;
export type WebhookDeliveryStatus = (typeof webhookDeliveryStatuses)[number];

/**
 * Where an organization wants its events POSTed. The signing secret is sealed with the vault
 * (`aad`: the row's id); during a rotation's overlap the previous one signs too.
 */
@Entity('webhook_subscriptions')
export class WebhookSubscriptionEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @Column({ type: 'text' })
  url!: string;

  /** Event types, or `['*']` for every webhook-able event. */
  @Column({ type: 'text', array: true })
  eventTypes!: string[];

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @Column({ type: 'text' })
  secretSealed!: string;

  @Column({ type: 'text', nullable: true })
  previousSecretSealed!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  /** Dead letters in a row (reset by a success); at `WEBHOOK_DISABLE_AFTER_FAILURES` it is disabled. */
  @Column({ type: 'integer', default: 0 })
  consecutiveFailures!: number;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  disabledReason!: string | null;

  @ForeignKey('users', { onDelete: 'SET NULL' })
  @Column({ type: 'uuid', nullable: true })
  createdById!: string | null;
}

/** One event (or ping, or replay) for one subscription, and how its attempts went. */
@Entity('webhook_deliveries')
export class WebhookDeliveryEntity extends BaseEntity {
  @ForeignKey('organizations', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  organizationId!: OrganizationId;

  @ForeignKey('webhook_subscriptions', { onDelete: 'CASCADE' })
  @Column({ type: 'uuid' })
  subscriptionId!: string;

  @Column({ type: 'uuid' })
  eventId!: string;

  @Column({ type: 'varchar', length: 100 })
  eventType!: string;

  /** The body sent (the event's envelope without its secret fields), kept for replays. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: WebhookDeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'integer', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ type: 'text', nullable: true })
  responseExcerpt!: string | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  replayOf!: string | null;
}
