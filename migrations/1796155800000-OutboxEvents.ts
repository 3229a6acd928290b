import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The transactional outbox: domain events written in the transaction (or statement) of the change
 * they describe, claimed by the dispatchers of worker processes (`FOR UPDATE SKIP LOCKED`) and
 * pruned a while after dispatch. Inserting rows notifies channel `outbox` (on commit) to wake them.
 * No foreign key: an event may outlive what it is about.
 */
export class OutboxEvents1796155800000 implements MigrationInterface {
  name = 'OutboxEvents1796155800000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            CREATE TABLE "outbox_events" (
                "id" uuid NOT NULL,
                "type" text NOT NULL,
                "organization_id" uuid,
                "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "data" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "dispatched_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "pk_outbox_events" PRIMARY KEY ("id")
            )
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_outbox_events_pending" ON "outbox_events" ("id") WHERE "dispatched_at" IS NULL
        `);
    await queryRunner.query(`
            CREATE INDEX "ix_outbox_events_dispatched" ON "outbox_events" ("dispatched_at")
            WHERE "dispatched_at" IS NOT NULL
        `);
    await queryRunner.query(`
            CREATE FUNCTION "outbox_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF EXISTS (SELECT 1 FROM inserted) THEN
                    PERFORM pg_notify('outbox', '');
                END IF;
                RETURN NULL;
            END
            $$
        `);
    await queryRunner.query(`
            CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON "outbox_events"
            REFERENCING NEW TABLE AS inserted
            FOR EACH STATEMENT EXECUTE FUNCTION "outbox_events_notify"()
        `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
            DROP TRIGGER "outbox_events_notify" ON "outbox_events"
        `);
    await queryRunner.query(`
            DROP FUNCTION "outbox_events_notify"()
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_events_dispatched"
        `);
    await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_events_pending"
        `);
    await queryRunner.query(`
            DROP TABLE "outbox_events"
        `);
  }
}
