import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: subscriptions (URL, event types, sealed signing secrets with a rotation
 * overlap, auto-disable bookkeeping) and their deliveries (one per subscription and event, with the
 * payload kept for replay, and what the last attempt got back).
 */
export class Webhooks1796170000000 implements MigrationInterface {
  name = 'Webhooks1796170000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "webhook_subscriptions" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "url" text NOT NULL,
                "event_types" text array NOT NULL,
                "description" varchar(500),
                "active" boolean NOT NULL DEFAULT true,
                "secret_sealed" text NOT NULL,
                "previous_secret_sealed" text,
                "previous_secret_expires_at" TIMESTAMP WITH TIME ZONE,
                "consecutive_failures" integer NOT NULL DEFAULT 0,
                "disabled_at" TIMESTAMP WITH TIME ZONE,
                "disabled_reason" text,
                "created_by_id" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_webhook_subscriptions" PRIMARY KEY ("id"),
                CONSTRAINT "fk_webhook_subscriptions_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_webhook_subscriptions_created_by" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL
            )
        `);
    // The list (keyset by id) and the fan-out (active subscriptions of an organization).
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_org" ON "webhook_subscriptions" ("organization_id", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_active" ON "webhook_subscriptions" ("organization_id") WHERE "active"`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_subscriptions_created_by" ON "webhook_subscriptions" ("created_by_id")`,
    );
    await queryRunner.query(`
            CREATE TABLE "webhook_deliveries" (
                "id" uuid NOT NULL,
                "organization_id" uuid NOT NULL,
                "subscription_id" uuid NOT NULL,
                "event_id" uuid NOT NULL,
                "event_type" varchar(100) NOT NULL,
                "payload" jsonb NOT NULL,
                "status" varchar(16) NOT NULL DEFAULT 'pending',
                "attempts" integer NOT NULL DEFAULT 0,
                "response_status" integer,
                "duration_ms" integer,
                "response_excerpt" text,
                "error" text,
                "next_attempt_at" TIMESTAMP WITH TIME ZONE,
                "delivered_at" TIMESTAMP WITH TIME ZONE,
                "replay_of" uuid,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_webhook_deliveries" PRIMARY KEY ("id"),
                CONSTRAINT "ck_webhook_deliveries_status" CHECK ("status" IN ('pending', 'retrying', 'succeeded', 'failed')),
                CONSTRAINT "fk_webhook_deliveries_organization" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_webhook_deliveries_subscription" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscriptions"("id") ON DELETE CASCADE,
                CONSTRAINT "fk_webhook_deliveries_replay_of" FOREIGN KEY ("replay_of") REFERENCES "webhook_deliveries"("id") ON DELETE SET NULL
            )
        `);
    // A redelivered event makes no second delivery (replays are new deliveries of the same event).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_webhook_deliveries_event" ON "webhook_deliveries" ("subscription_id", "event_id") WHERE "replay_of" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_org" ON "webhook_deliveries" ("organization_id", "subscription_id", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_status" ON "webhook_deliveries" ("subscription_id", "status", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_event_type" ON "webhook_deliveries" ("subscription_id", "event_type", "id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_webhook_deliveries_event" ON "webhook_deliveries" ("event_id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_webhook_deliveries_replay_of" ON "webhook_deliveries" ("replay_of") WHERE "replay_of" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP TABLE "webhook_subscriptions"`);
  }
}
