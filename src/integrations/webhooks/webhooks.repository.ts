import type { OrganizationId } from '@/access/organization-id';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { runPrepared } from '@/database/prepared-statement';
import { newId } from '@/database/base.entity';
import {
  WebhookDeliveryEntity,
  type WebhookDeliveryStatus,
  WebhookSubscriptionEntity,
} from './entities/webhook.entity';

/** What the deliver job needs, in one read: the delivery, its subscription's URL and secrets. */
export interface DeliveryTarget {
  readonly id: string;
  readonly subscriptionId: string;
  readonly status: WebhookDeliveryStatus;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly url: string;
  readonly secretSealed: string;
  readonly previousSecretSealed: string | null;
  readonly previousSecretExpiresAt: Date | null;
}

/** What an attempt got, written onto the delivery. */
export interface AttemptRecord {
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly responseStatus: number | null;
  readonly durationMs: number;
  readonly responseExcerpt: string | null;
  readonly error: string | null;
  readonly nextAttemptAt: Date | null;
}

export interface NewDelivery {
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly payload: unknown;
  readonly replayOf?: string;
}

export interface DeliveryFilters {
  readonly status?: WebhookDeliveryStatus;
  readonly eventType?: string;
}

/**
 * Subscriptions and deliveries. The hot path (fan-out, one attempt) is raw SQL in named prepared
 * statements: one read and one write per attempt.
 */
@Injectable()
export class WebhooksRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get subscriptions() {
    return this.dataSource.getRepository(WebhookSubscriptionEntity);
  }

  private get deliveries() {
    return this.dataSource.getRepository(WebhookDeliveryEntity);
  }

  /** A named prepared statement on the pool (`runPrepared`). */
  private prepared<R>(name: string, text: string, values: unknown[]): Promise<R[]> {
    return runPrepared<R>(this.dataSource, name, text, values);
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  findSubscription(organizationId: OrganizationId, id: string): Promise<WebhookSubscriptionEntity | null> {
    return this.subscriptions.findOne({ where: { organizationId, id } });
  }

  listSubscriptions(organizationId: OrganizationId, limit: number, cursor?: string) {
    const qb = this.subscriptions
      .createQueryBuilder('s')
      .where('s.organizationId = :organizationId', { organizationId });
    if (cursor) qb.andWhere('s.id > :cursor', { cursor });
    return qb
      .orderBy('s.id', 'ASC')
      .take(limit + 1)
      .getMany();
  }

  /** Inserts with the id given (the vault seals the secret with the id as `aad`). */
  async createSubscription(
    organizationId: OrganizationId,
    fields: Pick<
      WebhookSubscriptionEntity,
      'id' | 'url' | 'eventTypes' | 'description' | 'active' | 'secretSealed' | 'createdById'
    >,
  ): Promise<WebhookSubscriptionEntity> {
    return this.subscriptions.save(this.subscriptions.create({ organizationId, ...fields }));
  }

  async updateSubscription(
    organizationId: OrganizationId,
    id: string,
    patch: Partial<
      Pick<
        WebhookSubscriptionEntity,
        | 'url'
        | 'eventTypes'
        | 'description'
        | 'active'
        | 'secretSealed'
        | 'previousSecretSealed'
        | 'previousSecretExpiresAt'
        | 'consecutiveFailures'
        | 'disabledAt'
        | 'disabledReason'
      >
    >,
  ): Promise<void> {
    await this.subscriptions.update({ organizationId, id }, patch);
  }

  async deleteSubscription(organizationId: OrganizationId, id: string): Promise<boolean> {
    return ((await this.subscriptions.delete({ organizationId, id })).affected ?? 0) > 0;
  }

  findDelivery(organizationId: OrganizationId, subscriptionId: string, id: string) {
    return this.deliveries.findOne({ where: { organizationId, subscriptionId, id } });
  }

  /** Newest first, keyset by id (`cursor`: the last id of the previous page). */
  listDeliveries(
    organizationId: OrganizationId,
    subscriptionId: string,
    filters: DeliveryFilters,
    limit: number,
    cursor?: string,
  ) {
    const qb = this.deliveries
      .createQueryBuilder('d')
      .select([
        'd.id',
        'd.subscriptionId',
        'd.eventId',
        'd.eventType',
        'd.status',
        'd.attempts',
        'd.responseStatus',
        'd.durationMs',
        'd.responseExcerpt',
        'd.error',
        'd.nextAttemptAt',
        'd.deliveredAt',
        'd.replayOf',
        'd.createdAt',
        'd.updatedAt',
      ])
      .where('d.organizationId = :organizationId AND d.subscriptionId = :subscriptionId', {
        organizationId,
        subscriptionId,
      });
    if (filters.status) qb.andWhere('d.status = :status', { status: filters.status });
    if (filters.eventType) qb.andWhere('d.eventType = :eventType', { eventType: filters.eventType });
    if (cursor) qb.andWhere('d.id < :cursor', { cursor });
    return qb
      .orderBy('d.id', 'DESC')
      .take(limit + 1)
      .getMany();
  }

  /**
   * The fan-out of one event, in one prepared statement: a delivery for each active subscription of
   * the organization that takes `eventType` (or `*`), skipped where one exists already (a
   * redelivered event); returns the ids of this event's deliveries still `pending` and untried
   * (new ones, or ones a fan-out that crashed before enqueueing left behind). Ids are UUIDv7 made
   * in SQL (PostgreSQL 15 has no `uuidv7()`): the millisecond clock over a random UUID, version 7.
   */
  async fanout(
    organizationId: OrganizationId,
    eventId: string,
    eventType: string,
    payload: unknown,
  ): Promise<string[]> {
    const rows = await this.prepared<{ id: string }>(
      'parley_webhook_fanout',
      `WITH inserted AS (
         INSERT INTO webhook_deliveries (id, organization_id, subscription_id, event_id, event_type, payload)
         SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
                  PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                  FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid,
                $1, s.id, $2, $3::text, $4::jsonb
           FROM webhook_subscriptions s
          WHERE s.organization_id = $1 AND s.active AND s.event_types && ARRAY[$3::text, '*']
         ON CONFLICT (subscription_id, event_id) WHERE replay_of IS NULL DO NOTHING
         RETURNING id
       )
       SELECT id FROM inserted
       UNION
       SELECT id FROM webhook_deliveries
        WHERE organization_id = $1 AND event_id = $2 AND status = 'pending' AND attempts = 0 AND replay_of IS NULL`,
      [organizationId, eventId, eventType, JSON.stringify(payload)],
    );
    return rows.map((r) => r.id);
  }

  /** One delivery for `subscriptionId` now (a ping or a replay): its id. */
  async insertDelivery(organizationId: OrganizationId, delivery: NewDelivery): Promise<string> {
    const id = newId();
    await this.dataSource.query(
      `INSERT INTO webhook_deliveries (id, organization_id, subscription_id, event_id, event_type, payload, replay_of)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
      [
        id,
        organizationId,
        delivery.subscriptionId,
        delivery.eventId,
        delivery.eventType,
        JSON.stringify(delivery.payload),
        delivery.replayOf ?? null,
      ],
    );
    return id;
  }

  /** The delivery and its subscription, for an attempt (payload as the JSON text to send). */
  async deliveryTarget(organizationId: OrganizationId, deliveryId: string): Promise<DeliveryTarget | undefined> {
    const rows = await this.prepared<DeliveryTarget>(
      'parley_webhook_delivery_target',
      `SELECT d.id, d.subscription_id AS "subscriptionId", d.status, d.event_id AS "eventId",
                      d.event_type AS "eventType", d.payload::text AS payload, s.url,
                      s.secret_sealed AS "secretSealed", s.previous_secret_sealed AS "previousSecretSealed",
                      s.previous_secret_expires_at AS "previousSecretExpiresAt"
                 FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
                WHERE d.id = $1 AND d.organization_id = $2`,
      [deliveryId, organizationId],
    );
    return rows[0];
  }

  /**
   * Writes an attempt's outcome. A success also resets the subscription's failure count and counts
   * the delivery in the organization's usage (`usage_counters`, src/billing), in the same
   * statement. Only a delivery not yet finished is updated (a duplicate run changes nothing).
   */
  async recordAttempt(
    organizationId: OrganizationId,
    deliveryId: string,
    a: AttemptRecord,
    em?: EntityManager,
  ): Promise<boolean> {
    const text = `WITH d AS (
                 UPDATE webhook_deliveries
                    SET status = $3::varchar, attempts = $4, response_status = $5, duration_ms = $6,
                        response_excerpt = $7, error = $8, next_attempt_at = $9,
                        delivered_at = CASE WHEN $3::varchar = 'succeeded' THEN now() ELSE NULL END, updated_at = now()
                  WHERE id = $1 AND organization_id = $2 AND status IN ('pending', 'retrying')
                  RETURNING subscription_id
               ), reset AS (
                 UPDATE webhook_subscriptions s SET consecutive_failures = 0
                   FROM d WHERE $3::varchar = 'succeeded' AND s.id = d.subscription_id AND s.consecutive_failures > 0
               ), counted AS (
                 -- Usage metering (src/billing): a delivery that succeeded, in the current period.
                 INSERT INTO usage_counters AS c (organization_id, period_start, metric, used)
                 SELECT s.organization_id, s.current_period_start, 'webhook_deliveries', 1
                   FROM d JOIN subscriptions s ON s.organization_id = $2
                  WHERE $3::varchar = 'succeeded'
                 ON CONFLICT (organization_id, period_start, metric) DO UPDATE SET used = c.used + 1, updated_at = now()
               )
               SELECT 1 FROM d`;
    const values = [
      deliveryId,
      organizationId,
      a.status,
      a.attempts,
      a.responseStatus,
      a.durationMs,
      a.responseExcerpt,
      a.error,
      a.nextAttemptAt,
    ];
    const rows: unknown[] = em
      ? await em.query(text, values)
      : await this.prepared('parley_webhook_record_attempt', text, values);
    return rows.length > 0;
  }

  /** A dead letter: `consecutive_failures + 1`, in the caller's transaction; the new count and whether active. */
  async countFailure(
    em: EntityManager,
    organizationId: OrganizationId,
    subscriptionId: string,
  ): Promise<{ consecutiveFailures: number; active: boolean; url: string } | undefined> {
    const rows: { consecutiveFailures: number; active: boolean; url: string }[] = await em.query(
      // A CTE, so TypeORM hands back the rows (a bare UPDATE answers [rows, count]).
      `WITH u AS (
         UPDATE webhook_subscriptions SET consecutive_failures = consecutive_failures + 1
          WHERE id = $1 AND organization_id = $2
          RETURNING consecutive_failures AS "consecutiveFailures", active, url
       ) SELECT * FROM u`,
      [subscriptionId, organizationId],
    );
    return rows[0];
  }

  /** Deactivates a subscription that keeps failing (in the caller's transaction). */
  async disable(em: EntityManager, organizationId: OrganizationId, subscriptionId: string, reason: string) {
    const rows: { disabledAt: Date }[] = await em.query(
      `WITH u AS (
         UPDATE webhook_subscriptions SET active = false, disabled_at = now(), disabled_reason = $3, updated_at = now()
          WHERE id = $1 AND organization_id = $2 AND active RETURNING disabled_at AS "disabledAt"
       ) SELECT * FROM u`,
      [subscriptionId, organizationId, reason],
    );
    return rows[0]?.disabledAt;
  }
}
