import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { OrganizationId } from '@/access/organization-id';
import type { OrgRole } from '@/access/roles';
import type { NotificationChannel, NotificationType } from './notification-types';

/** A notification as stored (what the API and the socket show of it, plus its owner). */
export interface NotificationRow {
  readonly id: string;
  readonly userId: string;
  readonly type: string;
  readonly title: string;
  readonly body: string;
  readonly data: Record<string, unknown>;
  readonly createdAt: Date;
  readonly readAt: Date | null;
}

/** A member the notification is for, with their stored choices for its type (null: the default). */
export interface RecipientRow {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
  readonly inApp: boolean | null;
  readonly emailEnabled: boolean | null;
  readonly organizationName: string;
  readonly actorName: string | null;
  readonly departmentName: string | null;
}

export interface RecipientQuery {
  readonly type: NotificationType;
  readonly roles: readonly OrgRole[];
  /** Only these users (null: every member with one of `roles`). */
  readonly userIds: readonly string[] | null;
  /** Only members of this department (null: no department filter). */
  readonly departmentId: string | null;
  readonly exceptUserId: string | null;
  readonly actorId: string | null;
}

export interface NewNotification {
  readonly type: NotificationType;
  readonly title: string;
  readonly body: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly sourceEventId: string;
  /** One row per (id, user). */
  readonly rows: readonly { readonly id: string; readonly userId: string }[];
}

export interface StoredPreference {
  readonly type: string;
  readonly channel: NotificationChannel;
  readonly enabled: boolean;
}

const COLUMNS = `id, user_id AS "userId", type, title, body, data, created_at AS "createdAt", read_at AS "readAt"`;
/**
 * A user's notifications in an organization: an index range of `ix_notifications_list` (or the
 * partial unread one), in id order, so a page reads `limit + 1` index entries. User-level rows
 * (`organization_id` null, none today) would be listed by a query of their own.
 */
const OWNED = `organization_id = $1 AND user_id = $2`;

/** Notifications and preferences; set-based SQL, the organization id required by every tenant query. */
@Injectable()
export class NotificationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The members a notification is for, in one statement: their address and name, their stored
   * choices for the type (both channels), the organization's name, and the names the text needs
   * (the actor, the department). Disabled accounts get nothing.
   */
  recipients(organizationId: OrganizationId, query: RecipientQuery): Promise<RecipientRow[]> {
    return this.dataSource.query<RecipientRow[]>(
      `SELECT u.id AS "userId", u.email, u.name, pa.enabled AS "inApp", pe.enabled AS "emailEnabled",
              o.name AS "organizationName",
              (SELECT a.name FROM users a WHERE a.id = $6) AS "actorName",
              (SELECT d.name FROM departments d WHERE d.organization_id = $1 AND d.id = $4) AS "departmentName"
         FROM memberships m
         JOIN users u ON u.id = m.user_id AND u.disabled_at IS NULL
         JOIN organizations o ON o.id = m.organization_id
         LEFT JOIN notification_preferences pa
                ON pa.user_id = m.user_id AND pa.organization_id = m.organization_id AND pa.type = $7 AND pa.channel = 'in_app'
         LEFT JOIN notification_preferences pe
                ON pe.user_id = m.user_id AND pe.organization_id = m.organization_id AND pe.type = $7 AND pe.channel = 'email'
        WHERE m.organization_id = $1
          AND m.role = ANY($2::text[])
          AND ($3::uuid[] IS NULL OR m.user_id = ANY($3::uuid[]))
          AND ($4::uuid IS NULL OR EXISTS (
                SELECT 1 FROM department_members dm
                 WHERE dm.organization_id = $1 AND dm.department_id = $4 AND dm.user_id = m.user_id))
          AND ($5::uuid IS NULL OR m.user_id <> $5)
        ORDER BY u.id`,
      [
        organizationId,
        [...query.roles],
        query.userIds ? [...query.userIds] : null,
        query.departmentId,
        query.exceptUserId,
        query.actorId,
        query.type,
      ],
    );
  }

  /** Inserts the rows of one event; a row that exists (redelivery) is skipped. Returns the inserted ones. */
  async insert(organizationId: OrganizationId | null, notification: NewNotification): Promise<NotificationRow[]> {
    if (notification.rows.length === 0) return [];
    return this.dataSource.query<NotificationRow[]>(
      `INSERT INTO notifications (id, organization_id, user_id, type, title, body, data, source_event_id)
       SELECT r.id, $1, r.user_id, $2, $3, $4, $5::jsonb, $6
         FROM unnest($7::uuid[], $8::uuid[]) AS r(id, user_id)
       ON CONFLICT (user_id, type, source_event_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        organizationId,
        notification.type,
        notification.title,
        notification.body,
        JSON.stringify(notification.data),
        notification.sourceEventId,
        notification.rows.map((r) => r.id),
        notification.rows.map((r) => r.userId),
      ],
    );
  }

  /** Newest first, keyset by id (`cursor`: the last id of the previous page); `limit + 1` rows. */
  list(
    organizationId: OrganizationId,
    userId: string,
    options: { readonly unread: boolean; readonly limit: number; readonly cursor?: string },
  ): Promise<NotificationRow[]> {
    const cursor = options.cursor ? 'AND id < $4' : '';
    return this.dataSource.query<NotificationRow[]>(
      `SELECT ${COLUMNS} FROM notifications
        WHERE ${OWNED} ${options.unread ? 'AND read_at IS NULL' : ''} ${cursor}
        ORDER BY id DESC LIMIT $3`,
      [organizationId, userId, options.limit + 1, ...(options.cursor ? [options.cursor] : [])],
    );
  }

  async unreadCount(organizationId: OrganizationId, userId: string): Promise<number> {
    const [row] = await this.dataSource.query<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM notifications WHERE ${OWNED} AND read_at IS NULL`,
      [organizationId, userId],
    );
    return row?.count ?? 0;
  }

  /** Marks one read (a read one keeps its time); null when it is not this user's here. */
  async markRead(organizationId: OrganizationId, userId: string, id: string): Promise<NotificationRow | null> {
    const [rows] = await this.dataSource.query<[NotificationRow[], number]>(
      `UPDATE notifications SET read_at = COALESCE(read_at, now()) WHERE ${OWNED} AND id = $3 RETURNING ${COLUMNS}`,
      [organizationId, userId, id],
    );
    return rows[0] ?? null;
  }

  /** Marks every unread one read; returns how many. */
  async markAllRead(organizationId: OrganizationId, userId: string): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE notifications SET read_at = now() WHERE ${OWNED} AND read_at IS NULL`,
      [organizationId, userId],
    );
    return affected;
  }

  async delete(organizationId: OrganizationId, userId: string, id: string): Promise<boolean> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `DELETE FROM notifications WHERE ${OWNED} AND id = $3`,
      [organizationId, userId, id],
    );
    return affected > 0;
  }

  /** Read notifications read before `cutoff`, at most `batch` of them (platform-wide: the retention job). */
  async pruneReadBefore(cutoff: Date, batch: number): Promise<number> {
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      // `= ANY(ARRAY(…))`: the batch's ids found through `ix_notifications_read_at`, then deleted
      // through the primary key (an `IN (subquery)` may be planned as a hash join over the table).
      `DELETE FROM notifications WHERE id = ANY(ARRAY(
         SELECT id FROM notifications WHERE read_at IS NOT NULL AND read_at < $1 LIMIT $2))`,
      [cutoff, batch],
    );
    return affected;
  }

  preferences(organizationId: OrganizationId, userId: string): Promise<StoredPreference[]> {
    return this.dataSource.query<StoredPreference[]>(
      `SELECT type, channel, enabled FROM notification_preferences WHERE organization_id = $1 AND user_id = $2`,
      [organizationId, userId],
    );
  }

  /** Stores choices (one statement; pairs of type and channel are distinct). */
  async savePreferences(
    organizationId: OrganizationId,
    userId: string,
    items: readonly StoredPreference[],
  ): Promise<void> {
    if (items.length === 0) return;
    await this.dataSource.query(
      `INSERT INTO notification_preferences (user_id, organization_id, type, channel, enabled, updated_at)
       SELECT $2, $1, p.type, p.channel, p.enabled, now()
         FROM unnest($3::text[], $4::text[], $5::boolean[]) AS p(type, channel, enabled)
       ON CONFLICT (user_id, organization_id, type, channel)
       DO UPDATE SET enabled = EXCLUDED.enabled, updated_at = now()`,
      [organizationId, userId, items.map((i) => i.type), items.map((i) => i.channel), items.map((i) => i.enabled)],
    );
  }
}
