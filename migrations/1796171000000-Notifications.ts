import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Notifications (src/notifications): the in-app copies per user, and each user's choices per
 * organization, notification type and channel (a missing row means the default of the type).
 */
export class Notifications1796171000000 implements MigrationInterface {
  name = 'Notifications1796171000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "notifications" (
                "id" uuid NOT NULL,
                "organization_id" uuid,
                "user_id" uuid NOT NULL,
                "type" varchar(64) NOT NULL,
                "title" varchar(300) NOT NULL,
                "body" text NOT NULL,
                "data" jsonb NOT NULL DEFAULT '{}',
                "source_event_id" uuid NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "read_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_notifications" PRIMARY KEY ("id"),
                CONSTRAINT "fk_notifications_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_notifications_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
            )
        `);
    // A redelivered event makes no second notification.
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_notifications_source" ON "notifications" ("user_id", "type", "source_event_id")`,
    );
    // The list, newest first (keyset by id), and mark-all-read.
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_list" ON "notifications" ("user_id", "organization_id", "id" DESC)`,
    );
    // `?unread=true` and the unread count.
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_unread" ON "notifications" ("user_id", "organization_id", "id" DESC) WHERE "read_at" IS NULL`,
    );
    // The retention job: read notifications by age.
    await queryRunner.query(
      `CREATE INDEX "ix_notifications_read_at" ON "notifications" ("read_at") WHERE "read_at" IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "ix_notifications_organization" ON "notifications" ("organization_id")`);
    await queryRunner.query(`
            CREATE TABLE "notification_preferences" (
                "user_id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "type" varchar(64) NOT NULL,
                "channel" varchar(16) NOT NULL,
                "enabled" boolean NOT NULL,
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_notification_preferences" PRIMARY KEY ("user_id", "organization_id", "type", "channel"),
                CONSTRAINT "ck_notification_preferences_channel" CHECK ("channel" IN ('in_app', 'email')),
                CONSTRAINT "fk_notification_preferences_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_notification_preferences_user" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
            )
        `);
    await queryRunner.query(
      `CREATE INDEX "ix_notification_preferences_organization" ON "notification_preferences" ("organization_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "notification_preferences"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
  }
}
